'use strict';
/**
 * `npm start` at the root: builds the admin panel once, then runs the app and prints where things are
 * (admin, REST, Socket.IO, and the example pages that Strapi serves from public/<name>/).
 * The root script has already compiled the app (tsc) into dist/; Strapi serves the admin from dist/build.
 * Plain JS so that it runs before anything is compiled.
 */
const path = require('path');
const fs = require('fs');

const { adminStaleReason, buildAdmin } = require('./admin-build');

const appDir = path.resolve(__dirname, '..');
const distDir = path.join(appDir, 'dist');
process.env.STRAPI_TELEMETRY_DISABLED = 'true';

/** The pages of examples/react, examples/vue and examples/vanilla, built into public/<name>/. */
const EXAMPLE_PAGES = [
  { name: 'react', label: 'React page' },
  { name: 'vue', label: 'Vue page' },
  { name: 'vanilla', label: 'Vanilla JS page' },
];

/** Builds the admin panel when dist/build is missing or stale (see admin-build.js), and says so. */
async function prepareAdmin() {
  try {
    const reason = adminStaleReason();
    if (reason === null) {
      console.log('Admin panel already built (dist/build); skipping `strapi build`.');
      return;
    }
    console.log(`\nBuilding the Strapi admin panel into examples/strapi-app/dist/build (${reason}; about 30 s)...\n`);
    const seconds = await buildAdmin();
    console.log(`Admin panel built in ${seconds} s.\n`);
  } catch (error) {
    console.error(`\nThe admin panel build failed: ${error.message}`);
    process.exit(1);
  }
}

/** Strapi's absolute URLs, with a wildcard listen address shown as localhost. */
function browsable(url) {
  return url.replace(/^(https?:\/\/)(0\.0\.0\.0|\[::\])(?=[:/]|$)/, '$1localhost').replace(/\/+$/, '');
}

async function main() {
  await prepareAdmin();

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
