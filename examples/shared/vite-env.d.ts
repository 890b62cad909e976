/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The Strapi base URL baked into a build; the page's origin when unset. */
  readonly VITE_STRAPI_URL?: string;
}
