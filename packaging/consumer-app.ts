import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PackedPackage } from './packages';
import { runBin } from './packages';

const fixtures = path.join(import.meta.dirname, 'fixtures');

/**
 * An app folder inside the repository's .tmp: the tarballs' content sits in its own node_modules,
 * so `@strapi-live/*` resolve to what was packed, not to the workspaces; Strapi, TypeScript, React,
 * Vue, socket.io and query-core resolve from the root node_modules by walking up.
 */
export async function createConsumerApp(workDir: string, packs: PackedPackage[]): Promise<string> {
  const app = path.join(workDir, 'app');
  for (const pack of packs) {
    await cp(pack.extracted, path.join(app, 'node_modules', pack.name), { recursive: true });
  }
  await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'pack-test-app', private: true }));
  await cp(path.join(fixtures, 'strapi'), path.join(app, 'strapi'), { recursive: true });

  // One frontend file, checked as ESM and as CommonJS: the nearest package.json decides for node16.
  const frontend = path.join(app, 'frontend');
  await cp(path.join(fixtures, 'frontend'), frontend, { recursive: true });
  for (const type of ['module', 'commonjs'] as const) {
    const dir = path.join(frontend, type === 'module' ? 'esm' : 'cjs');
    await mkdir(dir);
    await cp(path.join(frontend, 'consumer.ts'), path.join(dir, 'consumer.ts'));
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type }));
  }
  return app;
}

/** `tsc -p <project>`; resolves with its output, rejects (with the output) on a type error. */
export async function typecheck(project: string): Promise<string> {
  try {
    const { stdout } = await runBin('typescript', 'tsc', ['-p', project, '--pretty', 'false'], path.dirname(project));
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p ${project} failed:\n${stdout}${stderr}`);
  }
}
