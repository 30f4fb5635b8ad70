/** The MongoDB output: `mongoOutput(stream, options)`; see `output.ts`. */
export { mongoOutput, MongoRejectedError } from './output.js';
export type { MongoOutputOptions } from './output.js';
export type { MongoId, RejectedDocument } from './documents.js';
export type {
  MongoConnectionOptions,
  MongoDriverClient,
  MongoClientSettings,
  MongoDocument,
  MongoObjectId,
} from '../../systems/mongodb/options.js';
