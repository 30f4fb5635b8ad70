/** The Kinesis receiver: `kinesisStream(ssc, options)`; see `receiver.ts`. */
export { KinesisReceiver, kinesisStream } from './receiver.js';
export type { KinesisRecord } from './reading.js';
export type { KinesisReceiverOptions, KinesisInitialPosition } from './options.js';
export type { KinesisDecoder } from './decode.js';
export type { KinesisPosition, ShardPosition } from './shards.js';
export type { KinesisConnectionOptions } from '../../systems/kinesis/client.js';
