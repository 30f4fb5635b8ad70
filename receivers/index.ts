/**
 * `kindling/receivers`: streaming inputs, one folder per system: the Kafka direct stream
 * (`kafkaDirectStream`), Kinesis (`kinesisStream`), RabbitMQ (`rabbitmqStream`), MQTT
 * (`mqttStream`), new files in HDFS and S3 (`hdfsTextFileStream`, `s3TextFileStream`), and a
 * Twitter-style stream (`twitterStream`) with a server that replays a file of tweets.
 *
 * The core's part is re-exported here so that connector code can import it from one place: the
 * {@link Receiver} base class (the receiver contract), and the options of the TCP line receiver
 * behind `ssc.socketTextStream`. The built-in inputs themselves are methods of
 * `StreamingContext`: `queueStream`, `socketTextStream`, `textFileStream`, `fromObservable` and
 * `receiverStream`.
 *
 * @example
 * import { Receiver } from 'kindling/receivers';
 * class Ticks extends Receiver<number> {
 *   private timer?: NodeJS.Timeout;
 *   onStart() { let n = 0; this.timer = setInterval(() => void this.store([n++]), 10); }
 *   onStop() { clearInterval(this.timer); }
 * }
 *
 * @module kindling/receivers
 */
export { Receiver } from '../lib/index.js';
export type { ReceiverHost, ReceiverOptions, SocketTextStreamOptions } from '../lib/index.js';
export * from './kinesis/index.js';
export * from './rabbitmq/index.js';
export * from './mqtt/index.js';
export * from './kafka/index.js';
export type { PayloadDecoder } from '../systems/rows/payload.js';
export * from './hdfs/index.js';
export * from './s3/index.js';
export * from './twitter/index.js';
