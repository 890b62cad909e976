/**
 * The three-valued logic of compiled conditions: the node interface, constants, AND, OR and NOT,
 * as SQL evaluates them. Nodes are small objects whose code lives on their classes' prototypes.
 */
import { and, FALSE, not, NULL, or, TRUE, UNDECIDED } from './tri';
import type { Tri } from './tri';

export type Row = Record<string, unknown>;
export type Rows = (Row | null)[];

/**
 * A compiled condition. Nodes are small objects whose code lives on their classes' prototypes, so a
 * query holds only its own values (columns, cast leaf values), never closures or their scopes.
 */
export interface Node {
  /** What the condition yields for the bound rows. */
  evaluate(rows: Rows): Tri;
  /** Every evaluation returns UNDECIDED. */
  readonly undecided: boolean;
}

class Constant implements Node {
  readonly undecided: boolean;
  constructor(private readonly value: Tri) {
    this.undecided = value === UNDECIDED;
  }
  evaluate(): Tri {
    return this.value;
  }
}

/** Constants hold no query data: one of each. */
const CONSTANTS: readonly Node[] = [new Constant(FALSE), new Constant(TRUE), new Constant(NULL), new Constant(UNDECIDED)];
export const constant = (value: Tri): Node => CONSTANTS[value]!;

class And implements Node {
  constructor(private readonly nodes: readonly Node[], readonly undecided: boolean) {}
  evaluate(rows: Rows): Tri {
    const nodes = this.nodes;
    let result: Tri = TRUE;
    for (let i = 0; i < nodes.length; i++) {
      result = and(result, nodes[i]!.evaluate(rows));
      if (result === FALSE) return FALSE;
    }
    return result;
  }
}

class Or implements Node {
  constructor(private readonly nodes: readonly Node[], readonly undecided: boolean) {}
  evaluate(rows: Rows): Tri {
    const nodes = this.nodes;
    let result: Tri = FALSE;
    for (let i = 0; i < nodes.length; i++) {
      result = or(result, nodes[i]!.evaluate(rows));
      if (result === TRUE) return TRUE;
    }
    return result;
  }
}

class Not implements Node {
  readonly undecided: boolean;
  constructor(private readonly node: Node) {
    this.undecided = node.undecided;
  }
  evaluate(rows: Rows): Tri {
    return not(this.node.evaluate(rows));
  }
}

export function group(operator: 'and' | 'or', nodes: readonly (Node | null)[]): Node | null {
  const present = nodes.filter((node): node is Node => node !== null);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0]!;
  const undecided = present.every((node) => node.undecided);
  return operator === 'and' ? new And(present, undecided) : new Or(present, undecided);
}

export function negate(node: Node | null): Node | null {
  if (node === null) return null;
  return new Not(node);
}

