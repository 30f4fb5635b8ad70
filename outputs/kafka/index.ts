/** The Kafka output: `kafkaOutput(stream, options)`; see `output.ts`. */
export { kafkaOutput } from './output.js';
export type { KafkaOutputOptions } from './output.js';
export type { KafkaOffsetSource } from '../../systems/kafka/offsets.js';
export type { KafkaMessageMapping, KafkaHeaders } from './messages.js';
