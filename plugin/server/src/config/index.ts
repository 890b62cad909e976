import { validateConfig } from './validate-config';

/**
 * Strapi merges the app's `config/plugins` entry over `default` and calls `validator` before any
 * plugin code runs, so a bad key stops start-up with "Error regarding io config: ...".
 */
export default {
  default: {},
  validator(config: unknown) {
    validateConfig(config);
  },
};
