import { useExampleApp } from 'example-strapi-app/testing';
import { describeLiveQueryCost } from './live-query-cost.cases';

describeLiveQueryCost(useExampleApp({ seed: false }));
