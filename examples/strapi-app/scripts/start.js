'use strict';
/**
 * `npm start` at the root: builds the admin panel once, then runs the app and prints where things are.
 * Plain JS so that it runs before anything is compiled.
 */
const path = require('path');
const fs = require('fs');
const { execSync } = require('child_process');

const appDir = path.resolve(__dirname, '..');
process.env.STRAPI_TELEMETRY_DISABLED = 'true';

async function main() {
  if (!fs.existsSync(path.join(appDir, 'dist', 'build', 'index.html'))) {
    console.log('Building the Strapi admin panel (first run only, about a minute)...');
    execSync('npx strapi build', { cwd: appDir, stdio: 'inherit' });
  }
  const { createStrapi } = require('@strapi/strapi');
  const app = createStrapi({ appDir, distDir: path.join(appDir, 'dist') });
  await app.start();
  const url = app.config.get('server.url') || `http://localhost:${app.config.get('server.port')}`;
  const lines = [
    '',
    'strapi-live example is running:',
    `  Strapi admin panel   ${url}/admin   (first run: register the first admin user there)`,
    `  REST API             ${url}/api/articles`,
    `  Socket.IO            ${url}  (socket.io-client: io('${url}'))`,
  ];
  for (const page of app.config.get('examplePages', [])) lines.push(`  ${page.name.padEnd(20)} ${page.url}`);
  console.log(lines.join('\n') + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
