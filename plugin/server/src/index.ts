import bootstrap from './bootstrap';
import config from './config';
import destroy from './destroy';

export type * from './types';

export default {
  register() {},
  bootstrap,
  destroy,
  config,
  contentTypes: {},
  controllers: {},
  routes: {},
  services: {},
  policies: {},
  middlewares: {},
};
