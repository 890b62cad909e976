import type { LiveClient } from '@strapi-live/client';
import { ANNOUNCEMENT_UID, announcementQuery, shownAnnouncement } from '../../shared/announcement';
import type { Announcement } from '../../shared/announcement';
import { h, liveView } from './dom';

/** The site-wide banner: follows the announcement as editors save it; gone when switched off or deleted. */
export function mountAnnouncement(live: LiveClient, root: HTMLElement): void {
  liveView<Announcement | null>(({ data }) => {
    const announcement = shownAnnouncement(data);
    root.replaceChildren(
      ...(announcement
        ? [h('div', { class: 'announcement', role: 'status', 'data-testid': 'announcement', 'data-level': announcement.level }, announcement.message)]
        : []),
    );
  }).show(live.single(ANNOUNCEMENT_UID, announcementQuery));
}
