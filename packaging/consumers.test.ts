import path from 'node:path';
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { createConsumerApp, typecheck } from './consumer-app';

const { workDir, packs } = inject('packing');

// Concurrent: each is one tsc process.
describe.concurrent('apps installing the tarballs', () => {
  let app: string;
  beforeAll(async () => {
    app = await createConsumerApp(workDir, packs);
  });

  it('type-check strapi.$io in a TypeScript Strapi app with Strapi’s default server tsconfig (node10)', async () => {
    await expect(typecheck(path.join(app, 'strapi', 'tsconfig.json'))).resolves.toBe('');
  });

  it('type-check @strapi-live/client, react and vue with moduleResolution bundler', async () => {
    await expect(typecheck(path.join(app, 'frontend', 'tsconfig.bundler.json'))).resolves.toBe('');
  });

  it('type-check @strapi-live/client, react and vue with moduleResolution node16, from ESM and CommonJS', async () => {
    await expect(typecheck(path.join(app, 'frontend', 'tsconfig.node16.json'))).resolves.toBe('');
  });
});
