import type { SocketIO } from './api/io-api';

// Makes `strapi.$io` typed wherever this plugin's types are loaded.
declare module '@strapi/types/dist/core/strapi.js' {
  interface Strapi {
    $io: SocketIO;
  }
}
