import { createRandom } from 'example-strapi-app/testing';
import type { Random } from 'example-strapi-app/testing';

export { createRandom };
export type { Random };

/** The seed of this run: MATCHER_SEED (a number, or "random"), else a fixed default. */
export function runSeed(fallback: number): number {
  const configured = process.env.MATCHER_SEED;
  if (configured === 'random') return Math.floor(Math.random() * 2 ** 31);
  return configured ? Number(configured) : fallback;
}
