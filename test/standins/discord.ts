/** The Discord stand-in; see `./discord/index.ts`. */
export * from './discord/index.js';
