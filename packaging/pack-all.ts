import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type PackedPackage, packages, repoRoot, run } from './packages';

/**
 * Packs every published workspace once for all test files, as `npm publish` would, and extracts
 * each tarball. The builds come from `npm test`'s pretest (`npm run build`).
 */
export default async function setup(project: TestProject) {
  const unbuilt = packages.filter(({ dir }) => !existsSync(path.join(repoRoot, dir, 'dist')));
  if (unbuilt.length) {
    throw new Error(`No dist in ${unbuilt.map(({ dir }) => dir).join(', ')}: run \`npm run build\` first`);
  }

  // Inside the repository, so a consumer app made here resolves Strapi, TypeScript, React and Vue
  // from the root node_modules (.tmp is git-ignored).
  await mkdir(path.join(repoRoot, '.tmp'), { recursive: true });
  const workDir = await mkdtemp(path.join(repoRoot, '.tmp', 'pack-test-'));
  const tarballs = path.join(workDir, 'tarballs');
  await mkdir(tarballs);

  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', tarballs, ...packages.flatMap(({ dir }) => ['-w', dir])],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  const packed = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[];

  const packs: PackedPackage[] = [];
  for (const { dir, name } of packages) {
    const result = packed.find((entry) => entry.name === name);
    if (!result) throw new Error(`npm pack did not pack ${name}`);
    const tarball = path.join(tarballs, result.filename);
    const extracted = path.join(workDir, 'extracted', dir);
    await mkdir(extracted, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', extracted, '--strip-components=1']);
    packs.push({ dir, name, tarball, files: result.files.map((file) => file.path).sort(), extracted });
  }

  project.provide('packing', { workDir, packs });
  // KEEP_PACK_TEST=1 keeps the tarballs and the consumer app, to run tsc or attw by hand.
  return async () => {
    if (!process.env.KEEP_PACK_TEST) await rm(workDir, { recursive: true, force: true });
  };
}
