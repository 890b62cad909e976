import path from 'node:path';

/** Ports of `npm run dev` in each example (Vite's dev server). */
const DEV_PORTS = { react: 5173, vue: 5174, vanilla: 5175 } as const;

/**
 * The Vite settings the three pages share (plain object, merged into each page's config):
 * - `build` writes into the example app's `public/<name>/`, which Strapi's `strapi::public`
 *   middleware serves at `http://localhost:1337/<name>/`, so the page and the API share an origin.
 * - `vite dev` proxies `/api` and `/socket.io` to Strapi (`STRAPI_URL`, default
 *   http://localhost:1337), so the page's origin is a working Strapi URL there too.
 */
export function examplePage(name: keyof typeof DEV_PORTS, dir: string) {
  const target = process.env.STRAPI_URL ?? 'http://localhost:1337';
  return {
    root: dir,
    base: `/${name}/`,
    build: {
      outDir: path.resolve(dir, '../strapi-app/public', name),
      // The folder is outside this workspace: Vite empties it only when asked.
      emptyOutDir: true,
    },
    server: {
      port: DEV_PORTS[name],
      strictPort: true,
      proxy: {
        '/api': { target, changeOrigin: true },
        '/socket.io': { target, changeOrigin: true, ws: true },
      },
    },
  };
}
