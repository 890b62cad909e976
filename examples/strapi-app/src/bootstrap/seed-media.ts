import type { Core } from '@strapi/strapi';

/** Images committed under public/media/ (served by Strapi as /media/<name>.svg). */
export const SEED_IMAGES = ['avatar-ada', 'avatar-grace', 'avatar-alan', 'cover-welcome'] as const;
export type SeedImage = (typeof SEED_IMAGES)[number];

/**
 * Media library entries for the seed images, created once. They point at files the app already
 * serves instead of going through an upload, so seeding writes nothing to disk and costs no image
 * processing on every test boot; to Strapi they are ordinary files of the media library.
 */
export async function seedMedia(strapi: Core.Strapi): Promise<Map<SeedImage, number>> {
  const files = strapi.db.query('plugin::upload.file');
  const ids = new Map<SeedImage, number>();
  for (const name of SEED_IMAGES) {
    const hash = `seed_${name.replace(/-/g, '_')}`;
    const existing = (await files.findOne({ where: { hash }, select: ['id'] })) as { id: number } | null;
    const [width, height] = name.startsWith('avatar') ? [96, 96] : [480, 160];
    const file =
      existing ??
      ((await files.create({
        data: {
          name: `${name}.svg`,
          alternativeText: name.startsWith('avatar') ? `Avatar of ${name.slice('avatar-'.length)}` : 'Welcome cover',
          hash,
          ext: '.svg',
          mime: 'image/svg+xml',
          size: 0.25,
          width,
          height,
          url: `/media/${name}.svg`,
          provider: 'local',
          folderPath: '/',
        },
      })) as { id: number });
    ids.set(name, file.id);
  }
  return ids;
}
