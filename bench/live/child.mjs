import { fileURLToPath } from 'node:url';

/**
 * Runs a benchmark's `main` when its file is executed directly (bench/live.mjs forks each one):
 * the result goes to the parent process, or to stdout when run by hand; a failure exits 1.
 */
export function runWhenMain(moduleUrl, main) {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  main().then(
    (result) => {
      if (process.send) process.send({ type: 'result', result }, () => process.exit(0));
      else {
        console.log(JSON.stringify(result, null, 2));
        process.exit(0);
      }
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
