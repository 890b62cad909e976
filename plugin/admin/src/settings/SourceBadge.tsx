import { Badge } from '@strapi/design-system';
import type { Source } from '../contract';

/**
 * Says where a value comes from: the app's config file (the default, changed by a deploy) or a
 * value saved on this page (stored in the plugin store, applied at once, kept across restarts).
 */
export function SourceBadge({ source }: { source: Source | undefined }) {
  if (source === 'admin') {
    return (
      <Badge variant="primary" data-source="admin">
        Set in admin
      </Badge>
    );
  }
  return (
    <Badge variant="neutral" data-source="file">
      From config file
    </Badge>
  );
}
