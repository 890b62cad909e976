/**
 * Every TypeScript block of the READMEs and every `@example` of the packages' JSDoc compiles under
 * `strict` against the built packages and the example app's registered schema (the setup the README
 * tells a user to write), so the documentation cannot drift from the types. Names a snippet uses
 * from our packages (or React/Vue basics) are imported for it unless it imports them itself; the
 * reader's own app (session, render, toast...) comes from globals*.d.ts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { jsdocSnippets, readmeSnippets } from './collect-snippets';
import type { Flavor, Snippet } from './collect-snippets';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HERE = import.meta.dirname;
const REACT_TYPES = path.join(ROOT, 'react/node_modules/@types/react');

const snippets: Snippet[] = [
  ...readmeSnippets('README.md', ROOT),
  ...readmeSnippets('client/README.md', ROOT, 'client'),
  ...['plugin/README.md', 'react/README.md', 'vue/README.md'].flatMap((file) => {
    try {
      return readmeSnippets(file, ROOT, file.startsWith('react') ? 'react' : file.startsWith('vue') ? 'vue' : undefined);
    } catch {
      return [];
    }
  }),
  ...jsdocSnippets('client/src', ROOT, 'client'),
  ...jsdocSnippets('react/src', ROOT, 'react'),
  ...jsdocSnippets('vue/src', ROOT, 'vue'),
  ...jsdocSnippets('plugin/server/src', ROOT, 'server'),
];

/** The names a module exports (values and types), read from its source. */
function exportsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const lists = [...text.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((match) =>
    match[1]!
      .split(',')
      .map((name) => name.trim().split(/\s+as\s+/).pop()!.trim())
      .filter(Boolean),
  );
  const declarations = [...text.matchAll(/export (?:declare )?(?:async )?(?:function|const|let|class|interface|type|enum) ([A-Za-z_$][\w$]*)/g)].map((match) => match[1]!);
  return [...lists, ...declarations];
}

const PACKAGES: Record<Flavor, Array<[module: string, names: string[]]>> = {
  client: [['@strapi-live/client', exportsOf('client/src/index.ts')]],
  react: [
    ['@strapi-live/react', exportsOf('react/src/index.ts')],
    ['@strapi-live/client', exportsOf('client/src/index.ts')],
    ['react', ['useState', 'useEffect', 'useMemo', 'StrictMode']],
  ],
  vue: [
    ['@strapi-live/vue', exportsOf('vue/src/index.ts')],
    ['@strapi-live/client', exportsOf('client/src/index.ts')],
    ['vue', ['ref', 'computed', 'createApp', 'defineComponent', 'defineProps', 'h', 'watch']],
  ],
  server: [],
};

const GLOBALS: Record<Flavor, string[]> = {
  client: ['globals.d.ts', 'globals-ids.d.ts'],
  react: ['globals.d.ts', 'globals-ids.d.ts', 'globals-react.d.ts'],
  vue: ['globals.d.ts', 'globals-ids.d.ts', 'globals-vue.d.ts'],
  server: ['globals-server.d.ts', 'globals-ids.d.ts'],
};

/**
 * Imports for the names a snippet uses but neither imports nor declares itself: from the flavor's
 * packages, then (for an internal helper's JSDoc) from the file the example documents.
 */
function importsFor(snippet: Snippet, virtualFile: string): string {
  const declared = new Set(
    [...snippet.code.matchAll(/\b(?:const|let|var|function|class|interface|type|import)\s+([A-Za-z_$][\w$]*)/g), ...snippet.code.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}/g)].flatMap(
      (match) => match[1]!.split(',').map((name) => name.trim().split(/\s+as\s+/).pop()!.trim()),
    ),
  );
  const used = new Set(snippet.code.match(/[A-Za-z_$][\w$]*/g) ?? []);
  const taken = new Set<string>();
  const lines: string[] = [];
  const source = snippet.origin.split(/:(?=\d+$)/)[0]!;
  const own: Array<[string, string[]]> = /\.tsx?$/.test(source)
    ? [[path.relative(path.dirname(virtualFile), path.join(ROOT, source)).replace(/\.tsx?$/, ''), exportsOf(source)]]
    : [];
  for (const [module, names] of [...PACKAGES[snippet.flavor], ...own]) {
    const picked = names.filter((name) => used.has(name) && !declared.has(name) && !taken.has(name));
    picked.forEach((name) => taken.add(name));
    if (picked.length > 0) lines.push(`import { ${picked.join(', ')} } from '${module}';`);
  }
  return lines.join(' ');
}

interface Failure {
  origin: string;
  message: string;
}

function compile(flavor: Flavor, group: Snippet[]): Failure[] {
  const files = new Map<string, { snippet: Snippet; text: string }>();
  group.forEach((snippet, index) => {
    const file = path.join(HERE, `.virtual/${flavor}-${index}.${flavor === 'react' ? 'tsx' : 'ts'}`);
    // One header line, so a diagnostic's line maps back to the snippet's line.
    // A server snippet that is not a module (no import/export) runs inside an async function, as
    // code in a service or lifecycle would, so its `await`s compile under CommonJS.
    const wrap = flavor === 'server' && !/^\s*(import|export)\s/m.test(snippet.code);
    const header = `${importsFor(snippet, file)}${wrap ? ' export async function snippet() {' : ''}`;
    files.set(file, { snippet, text: `${header}\n${snippet.code}\n${wrap ? '}\n' : ''}export {};\n` });
  });
  // Server snippets are type-checked as a Strapi app would: with Strapi's default server tsconfig
  // (CommonJS, node10 resolution, not strict). Browser code compiles under `strict`.
  const server: ts.CompilerOptions = { strict: false, noImplicitThis: true, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 };
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: flavor === 'server' ? ['node'] : [],
    skipLibCheck: true,
    esModuleInterop: true,
    // One copy of React's types, the bindings' own (the monorepo root holds the admin panel's React 18).
    paths: { react: [REACT_TYPES], 'react/*': [`${REACT_TYPES}/*`] },
    ...(flavor === 'server' ? server : {}),
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file);
  host.readFile = (file) => files.get(file)?.text ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const virtual = files.get(file);
    return virtual ? ts.createSourceFile(file, virtual.text, language, true) : getSourceFile.call(host, file, language, ...rest);
  };
  const registration = ['strapi-live.d.ts', 'fixture-schema.ts'].map((file) => path.join(ROOT, 'type-tests/registered', file));
  const generated = ['contentTypes.d.ts', 'components.d.ts'].map((file) => path.join(ROOT, 'examples/strapi-app/types/generated', file));
  const program = ts.createProgram([...registration, ...generated, ...GLOBALS[flavor].map((file) => path.join(HERE, file)), ...files.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const virtual = diagnostic.file && files.get(diagnostic.file.fileName);
    if (!virtual || diagnostic.start === undefined) return { origin: diagnostic.file?.fileName ?? '(global)', message };
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
    const [source, first] = virtual.snippet.origin.split(/:(?=\d+$)/);
    return { origin: `${source}:${Number(first) + line - 1}`, message };
  });
}

describe('documentation snippets', () => {
  it('finds the snippets of every README and JSDoc', () => {
    const origins = new Set(snippets.map((snippet) => snippet.origin.split(':')[0]));
    expect(origins).toContain('README.md');
    expect(origins).toContain('react/src/use-live-collection.ts');
    expect(origins).toContain('vue/src/use-live-collection.ts');
    expect(origins).toContain('client/src/live-client.ts');
    expect(origins).toContain('plugin/server/src/api/io-api.ts');
  });

  for (const flavor of ['client', 'react', 'vue', 'server'] as const) {
    const group = snippets.filter((snippet) => snippet.flavor === flavor);
    it(`compiles every ${flavor} snippet (${group.length}) ${flavor === 'server' ? "with Strapi's server tsconfig" : "under strict"}`, () => {
      const failures = compile(flavor, group);
      expect(failures.map(({ origin, message }) => `${origin}: ${message}`)).toEqual([]);
    });
  }
});
