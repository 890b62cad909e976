import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

export const repoRoot = path.resolve(import.meta.dirname, '..');

export const run = promisify(execFile);

/** The published workspaces. */
export const packages = [
  { dir: 'plugin', name: '@strapi-live/plugin-io' },
  { dir: 'client', name: '@strapi-live/client' },
  { dir: 'react', name: '@strapi-live/react' },
  { dir: 'vue', name: '@strapi-live/vue' },
] as const;

export interface PackedPackage {
  dir: string;
  name: string;
  /** Absolute path of the `.tgz`. */
  tarball: string;
  /** Paths inside the tarball, without the `package/` prefix. */
  files: string[];
  /** The tarball's content, extracted: exactly what `npm install` puts in node_modules. */
  extracted: string;
}

export interface Packing {
  /** A temporary folder under `<repo>/.tmp`, removed after the run. */
  workDir: string;
  packs: PackedPackage[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    packing: Packing;
  }
}

/** Runs a package's bin script from the root node_modules with this Node (no npx, no network). */
export async function runBin(pkg: string, bin: string, args: string[], cwd: string) {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = require(manifestPath) as { bin: string | Record<string, string> };
  const script = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin[bin];
  if (!script) throw new Error(`${pkg} has no bin ${bin}`);
  return run(process.execPath, [path.resolve(path.dirname(manifestPath), script), ...args], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  });
}
