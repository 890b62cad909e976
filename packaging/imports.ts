import { isBuiltin } from 'node:module';
import ts from 'typescript';

/** `@scope/name/sub/path` → `@scope/name`, `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * The packages a built file (JavaScript or declarations) imports: `import`, `export ... from`,
 * `require()`, `import()`, module augmentations and `/// <reference types>`. TypeScript's own
 * pre-processor reads them, so an import written in a comment or a JSDoc example does not count.
 */
export function importedPackages(code: string): Set<string> {
  const info = ts.preProcessFile(code, true, true);
  const specifiers = [
    ...info.importedFiles.map((file) => file.fileName),
    ...(info.ambientExternalModules ?? []),
    ...info.typeReferenceDirectives.map((file) => file.fileName),
  ];
  return new Set(
    specifiers
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('/') && !isBuiltin(specifier))
      .map(packageNameOf),
  );
}
