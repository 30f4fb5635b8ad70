/** The Kafka direct stream: `kafkaDirectStream(ssc, options)`; see `direct-stream.ts`. */
export { kafkaDirectStream } from './direct-stream.js';
export type { KafkaDirectStream } from './direct-stream.js';
export type { KafkaDirectStreamOptions, ExplicitOffsets } from './options.js';
export type { KafkaRecord, KafkaDeserializer, AnyKafkaRecord } from './records.js';
export type { OffsetRange, KafkaOffsetSource, TaskHooks } from '../../systems/kafka/offsets.js';
export type {
  KafkaConnectionOptions,
  KafkaSaslOptions,
  KafkaClientSettings,
  KafkaRetrySettings,
  KafkaLogEntry,
} from '../../systems/kafka/options.js';
export type { KafkaDirectSource } from './source.js';
