/** The site-wide banner: the announcement single type (not localized, no drafts). */
import type { DocumentShape } from '@strapi-live/client';

export const ANNOUNCEMENT_UID = 'api::announcement.announcement';

export const announcementQuery = { fields: ['message', 'level', 'active'] } as const;

export type Announcement = DocumentShape<typeof ANNOUNCEMENT_UID, typeof announcementQuery>;

/** The announcement to show: none while there is no entry or an editor switched it off. */
export const shownAnnouncement = (announcement: Announcement | null | undefined): Announcement | null =>
  announcement?.active ? announcement : null;
