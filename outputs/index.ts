/**
 * `kindling/outputs`: sinks, one folder per system (files, Kafka, Kinesis, MongoDB, HBase, S3,
 * HDFS, sockets) and the web dashboard. None exists yet.
 *
 * The outputs available today are methods of `DStream` in the core: `print` (stdout),
 * `saveAsTextFiles` (idempotent by batch time: each batch's directory is written under a
 * temporary name and renamed into place) and `foreachBatch`, the general output that any sink
 * can be written with.
 *
 * @example
 * // until a sink connector exists:
 * counts.foreachBatch(async (records, time) => { await db.upsert(time, records); });
 */
export {};
export * from './kinesis/index.js';
export * from './rabbitmq/index.js';
export * from './mqtt/index.js';
export * from './kafka/index.js';
