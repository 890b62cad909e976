import { useLiveSingle } from '@strapi-live/react';
import { ANNOUNCEMENT_UID, announcementQuery, shownAnnouncement } from '../../shared/announcement';

/** The site-wide banner: follows the announcement as editors save it; gone when switched off or deleted. */
export function AnnouncementBanner() {
  const announcement = shownAnnouncement(useLiveSingle(ANNOUNCEMENT_UID, announcementQuery).data);
  if (!announcement) return null;
  return (
    <div className="announcement" role="status" data-testid="announcement" data-level={announcement.level}>
      {announcement.message}
    </div>
  );
}
