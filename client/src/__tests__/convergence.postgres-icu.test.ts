import { usePostgresDatabase } from 'example-strapi-app/testing';
import { convergenceSuite } from './convergence-suite';

// PostgreSQL as production databases run it: text in a linguistic (ICU en-US) order, which the SDK
// does not reproduce (it reads a text-sorted list again), and NULL highest.
const { env } = usePostgresDatabase(`LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8' TEMPLATE template0`);
convergenceSuite({ text: 'collation', nulls: 'last' }, { env });
