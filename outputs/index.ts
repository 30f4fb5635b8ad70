/**
 * `kindling/outputs`: sinks, one folder per system. Each is a function of a stream and its
 * options that adds an `Output` (see `addOutput` in `kindling`): the context opens it at start and
 * closes it in `ssc.stop()`, and it states its delivery guarantee: Kafka (idempotent, or
 * transactional with the consumed offsets), Kinesis, RabbitMQ and MQTT (confirmed publishes),
 * files (a folder per batch, committed atomically; idempotent by batch time), a TCP line client
 * and a line server, and stdout/stderr; S3, HDFS, MongoDB and HBase stores; and the live web
 * dashboard (`dashboard(ssc)`, with panels fed by `board.panel(stream, name, spec)`). The
 * core's `print`, `saveAsTextFiles` and `foreachBatch` are methods of `DStream`.
 *
 * @example
 * import { kafkaOutput, fileOutput } from 'kindling/outputs';
 * kafkaOutput(alerts, { brokers: ['127.0.0.1:9092'], topic: 'alerts' });
 * fileOutput(counts, { dir: '/var/lib/job/counts', format: 'jsonl' });
 *
 * @module kindling/outputs
 */
export * from './kinesis/index.js';
export * from './rabbitmq/index.js';
export * from './mqtt/index.js';
export * from './kafka/index.js';
export * from './store/index.js';
export * from './files/index.js';
export * from './socket/index.js';
export * from './console/index.js';
export * from './hdfs/index.js';
export * from './s3/index.js';
export * from './hbase/index.js';
export * from './mongodb/index.js';
export * from './dashboard/index.js';
