'use strict';
/**
 * `npm start` at the root: builds the admin panel once, then runs the app and prints where things are
 * (admin, REST, Socket.IO, and the example pages that Strapi serves from public/<name>/).
 * The root script has already compiled the app (tsc) into dist/; Strapi serves the admin from dist/build.
 * Plain JS so that it runs before anything is compiled.
 */
const path = require('path');
const fs = require('fs');
const { spawnSync } = require('child_process');

const appDir = path.resolve(__dirname, '..');
const distDir = path.join(appDir, 'dist');
const adminBuildDir = path.join(distDir, 'build');
// Written after a successful build; `strapi build` empties dist/build first, so a failed or
// interrupted build leaves no stamp behind.
const adminStamp = path.join(adminBuildDir, '.strapi-live-admin.json');
process.env.STRAPI_TELEMETRY_DISABLED = 'true';

/** The pages of examples/react, examples/vue and examples/vanilla, built into public/<name>/. */
const EXAMPLE_PAGES = [
  { name: 'react', label: 'React page' },
  { name: 'vue', label: 'Vue page' },
  { name: 'vanilla', label: 'Vanilla JS page' },
];

const strapiPackageDir = path.dirname(require.resolve('@strapi/strapi/package.json', { paths: [appDir] }));
const strapiVersion = require(path.join(strapiPackageDir, 'package.json')).version;

/** Built already, and not by another Strapi version (a build made by `npm run build:admin` has no stamp and counts). */
function adminIsBuilt() {
  if (!fs.existsSync(path.join(adminBuildDir, 'index.html'))) return false;
  if (!fs.existsSync(adminStamp)) return true;
  try {
    return JSON.parse(fs.readFileSync(adminStamp, 'utf8')).strapi === strapiVersion;
  } catch {
    return false;
  }
}

function buildAdmin() {
  console.log('\nBuilding the Strapi admin panel into examples/strapi-app/dist/build (once; about 30 s)...\n');
  const started = Date.now();
  // The CLI of the installed @strapi/strapi, run with this Node: no npx, no lookup on the registry.
  const result = spawnSync(process.execPath, [path.join(strapiPackageDir, 'bin', 'strapi.js'), 'build'], {
    cwd: appDir,
    stdio: 'inherit',
    // The build peaks around 2 GB; lift Node's default heap cap on smaller machines unless the caller chose one.
    env: /--max-old-space-size/.test(process.env.NODE_OPTIONS ?? '')
      ? process.env
      : { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=4096`.trim() },
  });
  if (result.status !== 0) {
    console.error(`\nThe admin panel build failed (${result.signal ?? `exit code ${result.status}`}); see the output above.`);
    process.exit(result.status || 1);
  }
  fs.writeFileSync(adminStamp, JSON.stringify({ strapi: strapiVersion, builtAt: new Date().toISOString() }) + '\n');
  console.log(`Admin panel built in ${Math.round((Date.now() - started) / 1000)} s.\n`);
}

/** Strapi's absolute URLs, with a wildcard listen address shown as localhost. */
function browsable(url) {
  return url.replace(/^(https?:\/\/)(0\.0\.0\.0|\[::\])(?=[:/]|$)/, '$1localhost').replace(/\/+$/, '');
}

async function main() {
  if (adminIsBuilt()) console.log('Admin panel already built (dist/build); skipping `strapi build`.');
  else buildAdmin();

  const { createStrapi } = require('@strapi/strapi');
  const app = createStrapi({ appDir, distDir });
  await app.start();

  const serverUrl = browsable(app.config.get('server.absoluteUrl'));
  const adminUrl = browsable(app.config.get('admin.absoluteUrl'));
  // The path the plugin's Socket.IO server really listens on (`socket.serverOptions.path` in config/plugins.ts).
  const ioPath = app.$io?.server?.path?.() ?? '/socket.io';
  const ioCall = ioPath === '/socket.io' ? `io('${serverUrl}')` : `io('${serverUrl}', { path: '${ioPath}' })`;
  const hasAdmin = (await app.db.query('admin::user').count()) > 0;
  const dbFile = app.config.get('database.connection.connection.filename');

  const lines = [
    '',
    'strapi-live example is running:',
    `  Strapi admin panel   ${adminUrl}`,
    `  REST API             ${serverUrl}/api/articles   (public read: articles, categories)`,
    `  Socket.IO            ${serverUrl}${ioPath}/   (socket.io-client: ${ioCall})`,
  ];
  // The example pages (examples/react, vue, vanilla): the root `npm run build` builds them into
  // public/<name>/, which Strapi's `strapi::public` middleware serves on this same origin.
  const publicDir = app.dirs.static.public;
  const builtPages = EXAMPLE_PAGES.filter(({ name }) => fs.existsSync(path.join(publicDir, name, 'index.html')));
  for (const page of builtPages) lines.push(`  ${page.label.padEnd(20)} ${serverUrl}/${page.name}/`);
  if (builtPages.length === 0) lines.push(`  Example pages        not built (run \`npm run build\` at the repository root)`);
  lines.push(
    '',
    hasAdmin
      ? `Admin login: sign in at ${adminUrl} with the admin account registered earlier.`
      : `Admin login: first run, so open ${adminUrl} and register the first admin user (any name and email; password of 8+ characters with upper case, lower case and a digit).`,
  );
  if (app.config.get('database.connection.client') === 'sqlite' && dbFile) {
    lines.push(`Data: SQLite file ${path.relative(process.env.INIT_CWD || process.cwd(), dbFile)} (stop, delete its folder, start again for a fresh app and a new admin).`);
  }
  lines.push('Stop with Ctrl+C.');
  console.log(lines.join('\n') + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
