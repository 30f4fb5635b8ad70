/** The MongoDB output: `mongoOutput(stream, options)`; see `output.ts`. */
export { mongoOutput, MongoRejectedError } from './output.js';
export type { MongoOutputOptions } from './output.js';
export type { MongoId, RejectedDocument } from './upserts.js';
export type { MongoConnectionOptions } from '../../systems/mongodb/client.js';
