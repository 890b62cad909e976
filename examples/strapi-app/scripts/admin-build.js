'use strict';
/**
 * The example app's admin panel build (`strapi build` into dist/build), shared by `npm start`
 * (scripts/start.js), `npm run build:admin` (this file run directly) and the admin browser tests
 * (examples/e2e/src/admin.test.ts), so that all three agree on when a build is stale.
 *
 * A build is stale when it is missing, has no stamp, or its stamp names another Strapi version or
 * other admin code of the io plugin (a hash of the plugin's built dist/admin): the admin bundles
 * the plugin's pages, so a changed plugin needs a new admin build. Plain JS so that it runs before
 * anything is compiled.
 */
const path = require('path');
const fs = require('fs');
const crypto = require('crypto');
const { spawn } = require('child_process');

const appDir = path.resolve(__dirname, '..');
const adminBuildDir = path.join(appDir, 'dist', 'build');
// Written after a successful build; `strapi build` empties dist/build first, so a failed or
// interrupted build leaves no stamp behind.
const adminStamp = path.join(adminBuildDir, '.strapi-live-admin.json');

const strapiPackageDir = path.dirname(require.resolve('@strapi/strapi/package.json', { paths: [appDir] }));
const pluginDir = path.dirname(require.resolve('@strapi-live/plugin-io/package.json', { paths: [appDir] }));
/** The plugin's admin bundle, as `npm run build -w plugin` writes it. */
const pluginAdminDir = path.join(pluginDir, 'dist', 'admin');

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)]))
    .sort();
}

/** What a build is made from: the Strapi version and the plugin's admin bundle (not its declarations). */
function adminInputs() {
  const hash = crypto.createHash('sha256');
  for (const file of filesUnder(pluginAdminDir).filter((name) => !/\.d\.[cm]?ts$/.test(name))) hash.update(path.relative(pluginAdminDir, file)).update('\0').update(fs.readFileSync(file));
  return {
    strapi: require(path.join(strapiPackageDir, 'package.json')).version,
    pluginAdmin: hash.digest('hex'),
  };
}

/** `null` when dist/build is current, else why it needs a build. */
function adminStaleReason() {
  if (!fs.existsSync(path.join(pluginAdminDir, 'index.mjs'))) {
    throw new Error(`The io plugin's admin is not built (${pluginAdminDir}): run \`npm run build -w plugin\` (or \`npm run build\` at the repository root) first.`);
  }
  if (!fs.existsSync(path.join(adminBuildDir, 'index.html'))) return 'not built yet';
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(adminStamp, 'utf8'));
  } catch {
    return 'built without a stamp';
  }
  const inputs = adminInputs();
  if (stamp.strapi !== inputs.strapi) return `built by Strapi ${stamp.strapi}, this is ${inputs.strapi}`;
  if (stamp.pluginAdmin !== inputs.pluginAdmin) return "the io plugin's admin changed since";
  return null;
}

/**
 * Runs the installed @strapi/strapi CLI's `strapi build` with this Node (no npx, no registry
 * lookup), then stamps the result. `quiet` keeps the build's own output unless it fails.
 * Resolves with the build's duration in seconds; rejects when it fails.
 */
function buildAdmin({ quiet = false } = {}) {
  const started = Date.now();
  // Read before the build: a plugin rebuilt meanwhile leaves a stamp that no longer matches.
  const inputs = adminInputs();
  // The build peaks around 2 GB; lift Node's default heap cap on smaller machines unless the caller chose one.
  const env = { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true' };
  if (!/--max-old-space-size/.test(env.NODE_OPTIONS ?? '')) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --max-old-space-size=4096`.trim();
  const child = spawn(process.execPath, [path.join(strapiPackageDir, 'bin', 'strapi.js'), 'build'], {
    cwd: appDir,
    env,
    stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`\`strapi build\` failed (${signal ?? `exit code ${code}`}) in ${appDir}${output ? `:\n${output}` : '; see the output above.'}`));
        return;
      }
      fs.writeFileSync(adminStamp, JSON.stringify({ ...inputs, builtAt: new Date().toISOString() }) + '\n');
      resolve(Math.round((Date.now() - started) / 100) / 10);
    });
  });
}

/** Builds the admin panel when it is stale. Resolves with what happened, for the caller to print. */
async function ensureAdminBuilt({ quiet = false } = {}) {
  const reason = adminStaleReason();
  if (reason === null) return { built: false, reason: 'up to date', seconds: 0 };
  return { built: true, reason, seconds: await buildAdmin({ quiet }) };
}

module.exports = { adminBuildDir, adminStaleReason, buildAdmin, ensureAdminBuilt };

// `npm run build:admin`: always builds (and stamps).
if (require.main === module) {
  buildAdmin()
    .then((seconds) => console.log(`\nAdmin panel built in ${seconds} s into ${path.relative(process.cwd(), adminBuildDir) || adminBuildDir}.`))
    .catch((error) => {
      console.error(error.message);
      process.exit(1);
    });
}
