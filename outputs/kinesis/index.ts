/** The Kinesis output: `kinesisOutput(stream, options)`; see `output.ts`. */
export { kinesisOutput } from './output.js';
export type { KinesisOutputOptions } from './output.js';
export type { KinesisConnectionOptions } from '../../systems/kinesis/options.js';
