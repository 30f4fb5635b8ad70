/** The Kinesis receiver: `kinesisStream(ssc, options)`; see `receiver.ts`. */
export { KinesisReceiver, kinesisStream } from './receiver.js';
export type { KinesisRecord } from './record.js';
export type { KinesisReceiverOptions, KinesisInitialPosition } from './options.js';
export type { KinesisDecoder } from './decode.js';
export type { KinesisPosition, ShardPosition } from './shards.js';
export type { KinesisConnectionOptions } from '../../systems/kinesis/options.js';
export type {
  AwsCredentials,
  AwsCredentialsOption,
  AwsSdkClient,
  AwsClientSettings,
} from '../../systems/aws/options.js';
