/** The MongoDB lookup: `mongoLookup(options)`; see `lookup.ts`. The client module is shared with `outputs/mongodb/`. */
export { mongoLookup } from './lookup.js';
export type { MongoLookupOptions } from './lookup.js';
export type { MongoConnectionOptions } from './client.js';
