/**
 * Finds the code a reader may copy: fenced blocks of the READMEs and `@example` blocks of the
 * packages' JSDoc, each with where it came from and which kind of code it is, so the snippet test
 * can compile every one of them the way a user's project would.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What a snippet is compiled as: which packages it may use, which globals it may assume. */
export type Flavor = 'client' | 'react' | 'vue' | 'server';

export interface Snippet {
  /** `README.md:42`, `react/src/use-live-collection.ts:15`: where a failure points. */
  origin: string;
  flavor: Flavor;
  /** TypeScript (with JSX for React). */
  code: string;
}

const TS_FENCES = new Set(['ts', 'tsx', 'typescript', 'vue']);

/** The flavor of a README block that does not live in a package's own README. */
function guessFlavor(code: string, language: string): Flavor {
  if (/strapi\.\$io|export default \(\{ env \}|config\/plugins/.test(code)) return 'server';
  if (language === 'vue' || /@strapi-live\/vue|^\s*\/\/ Vue/m.test(code)) return 'vue';
  if (language === 'tsx' || /@strapi-live\/react/.test(code)) return 'react';
  return 'client';
}

/** The script of a Vue single-file component, or the code itself. */
function scriptOf(code: string): string {
  const script = /<script[^>]*>([\s\S]*?)<\/script>/.exec(code);
  return script ? script[1]! : code;
}

export function readmeSnippets(file: string, root: string, flavor?: Flavor): Snippet[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^```(\w+)\s*$/.exec(lines[index]!);
    if (!open || !TS_FENCES.has(open[1]!)) continue;
    const start = index + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.startsWith('```')) end += 1;
    const code = scriptOf(lines.slice(start, end).join('\n'));
    snippets.push({ origin: `${file}:${start + 1}`, flavor: flavor ?? guessFlavor(code, open[1]!), code });
    index = end;
  }
  return snippets;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__tests__' || entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.(test|test-d)\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** `@example` blocks of every source file under `dir`, up to the next tag or the comment's end. */
export function jsdocSnippets(dir: string, root: string, flavor: Flavor): Snippet[] {
  const snippets: Snippet[] = [];
  for (const file of sourceFiles(path.join(root, dir))) {
    const text = readFileSync(file, 'utf8');
    for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      const body = comment[0].slice(3, -2);
      for (const example of body.matchAll(/@example([\s\S]*?)(?=\n\s*\*\s*@\w|$)/g)) {
        const code = example[1]!
          .split('\n')
          .map((line) => line.replace(/^\s*\* ?/, ''))
          .join('\n')
          .trim();
        if (!code) continue;
        const offset = comment.index + 3 + example.index;
        const line = text.slice(0, offset).split('\n').length;
        snippets.push({ origin: `${path.relative(root, file)}:${line}`, flavor, code });
      }
    }
  }
  return snippets;
}
