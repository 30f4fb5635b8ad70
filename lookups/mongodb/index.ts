/**
 * The MongoDB lookup: `mongoLookup(options)`; see `lookup.ts`. The client module
 * (`systems/mongodb/`) is shared with `outputs/mongodb/`.
 */
export { mongoLookup } from './lookup.js';
export type { MongoLookupOptions } from './lookup.js';
export type {
  MongoConnectionOptions,
  MongoDriverClient,
  MongoClientSettings,
  MongoDocument,
} from '../../systems/mongodb/options.js';
