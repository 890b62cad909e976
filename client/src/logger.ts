/**
 * Where the SDK writes what it does. Pass your own to `createLiveClient({ logger })`; the default
 * is silent except for warnings and errors, which go to the console.
 *
 * @example
 * createLiveClient({ url, logger: { debug() {}, info() {}, warn: console.warn, error: console.error } });
 */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  info(message: string, ...details: unknown[]): void;
  warn(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

const noop = () => {};

export const defaultLogger: Logger = {
  debug: noop,
  info: noop,
  warn: (message, ...details) => console.warn(`[strapi-live] ${message}`, ...details),
  error: (message, ...details) => console.error(`[strapi-live] ${message}`, ...details),
};
