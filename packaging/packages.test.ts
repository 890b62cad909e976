import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it, inject } from 'vitest';
import { importedPackages } from './imports';
import { repoRoot, runBin } from './packages';

const { packs } = inject('packing');

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readManifest = async (dir: string) => JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as Manifest;

describe.each(packs)('the $name tarball', (pack) => {
  it('ships README.md and the MIT LICENSE, and no tests', async () => {
    expect(pack.files).toContain('README.md');
    expect(pack.files).toContain('LICENSE');
    const license = await readFile(path.join(pack.extracted, 'LICENSE'), 'utf8');
    expect(license).toBe(await readFile(path.join(repoRoot, 'LICENSE'), 'utf8'));
    expect(license).toMatch(/^MIT License\n\nCopyright \(c\) 2026 strapi-live contributors\n/);
    expect(await readFile(path.join(pack.extracted, 'README.md'), 'utf8')).toContain(`npm install ${pack.name}`);
    expect(pack.files.filter((file) => /(^|\/)__tests__\/|\.(test|spec|test-d)\.[cm]?[jt]sx?$/.test(file))).toEqual([]);
  });

  it('ships each source text once: source maps embed it, and then no source file sits beside them', async () => {
    const maps = pack.files.filter((file) => file.endsWith('.map'));
    for (const map of maps) {
      const { sources, sourcesContent } = JSON.parse(await readFile(path.join(pack.extracted, map), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect(sourcesContent?.length, `${map} embeds its sources`).toBe(sources.length);
      expect(sourcesContent?.every((content) => typeof content === 'string')).toBe(true);
    }
    const sourceFiles = pack.files.filter((file) => /\.(tsx?|mts|cts|vue)$/.test(file) && !/\.d\.[cm]?ts$/.test(file));
    if (maps.length) expect(sourceFiles).toEqual([]);
  });

  it('passes publint', async () => {
    // The extracted tarball is exactly what gets published, so nothing needs packing again.
    const { messages, pkg } = await publint({ pkgDir: pack.extracted, pack: false });
    for (const message of messages) console.warn(`publint ${message.type} in ${pack.name}: ${formatMessage(message, pkg)}`);
    expect(messages.filter((message) => message.type === 'error')).toEqual([]);
  });

  it('has types that resolve under node10, node16 (CommonJS and ESM) and bundler (attw)', async () => {
    const attw = await runBin('@arethetypeswrong/cli', 'attw', [pack.tarball, '--format', 'json'], repoRoot).catch(
      (error: { stdout?: string; stderr?: string }) => {
        if (!error.stdout) throw error;
        return { stdout: error.stdout };
      },
    );
    const { problems } = JSON.parse(attw.stdout) as { problems: unknown };
    expect(problems, 'see `npx attw <tarball>` for the table').toEqual({});
  });

  it('declares every package its built files import, and imports every dependency it declares', async () => {
    const manifest = await readManifest(pack.extracted);
    const imported = new Set<string>();
    for (const file of pack.files.filter((file) => file.startsWith('dist/') && /\.(c|m)?js$|\.d\.(c|m)?ts$/.test(file))) {
      for (const name of importedPackages(await readFile(path.join(pack.extracted, file), 'utf8'))) imported.add(name);
    }
    const declared = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    expect([...imported].filter((name) => !declared.has(name))).toEqual([]);
    // Peers may be there only so the app shares one instance; a plain dependency must be used.
    expect(Object.keys(manifest.dependencies ?? {}).filter((name) => !imported.has(name))).toEqual([]);
  });
});

describe('the @strapi-live/plugin-io tarball', () => {
  const plugin = packs.find((pack) => pack.name === '@strapi-live/plugin-io')!;

  it('passes `strapi-plugin verify`: every export condition, `source` included, points at a shipped file', async () => {
    await expect(runBin('@strapi/sdk-plugin', 'strapi-plugin', ['verify'], plugin.extracted)).resolves.toBeDefined();
  });

  it('gives Strapi a CommonJS server entry through the `./strapi-server` export', () => {
    // As Strapi 5's plugin loader does: the export's `require` condition, then the default export.
    const required = createRequire(path.join(plugin.extracted, 'package.json'))('@strapi-live/plugin-io/strapi-server') as {
      __esModule?: boolean;
      default: Record<string, unknown>;
    };
    const server = required.__esModule ? required.default : required;
    expect(server).toMatchObject({ bootstrap: expect.any(Function), destroy: expect.any(Function), config: expect.any(Object) });
  });

  it('needs no @strapi-live/client: the protocol types are inlined in its declarations', async () => {
    const manifest = await readManifest(plugin.extracted);
    expect(Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })).not.toContain('@strapi-live/client');
    const declarations = plugin.files.filter((file) => /\.d\.[cm]?ts$/.test(file));
    expect(declarations.length).toBeGreaterThan(0);
    for (const file of declarations) {
      expect(importedPackages(await readFile(path.join(plugin.extracted, file), 'utf8')), file).not.toContain('@strapi-live/client');
    }
  });
});
