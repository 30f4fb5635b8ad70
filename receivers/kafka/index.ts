/** The Kafka direct stream: `kafkaDirectStream(ssc, options)`; see `direct-stream.ts`. */
export { kafkaDirectStream } from './direct-stream.js';
export type { KafkaDirectStream } from './direct-stream.js';
export type { KafkaDirectStreamOptions, ExplicitOffsets } from './options.js';
export type { KafkaRecord, KafkaDeserializer } from './records.js';
export type { OffsetRange } from './offsets.js';
export type { KafkaConnectionOptions } from './client.js';
export type { KafkaDirectSource } from './source.js';
