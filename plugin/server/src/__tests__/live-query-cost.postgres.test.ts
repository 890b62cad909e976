import { useExampleApp, usePostgresDatabase } from 'example-strapi-app/testing';
import { describeLiveQueryCost } from './live-query-cost.cases';

// The same cases on PostgreSQL: its SQL, its undecidable filters, its EXISTS statement.
const database = usePostgresDatabase();
describeLiveQueryCost(useExampleApp({ seed: false, env: database.env }));
