/** Every test server, by name. Add a server by writing its spec beside this file and listing it here. */
import type { ServerSpec } from './spec.js';
import { rabbitmq } from './rabbitmq.js';
import { mosquitto } from './mosquitto.js';
import { kinesis } from './kinesis.js';
import { kafka } from './kafka.js';
import { hdfs } from './hdfs.js';
import { minio } from './minio.js';
import { hbase } from './hbase.js';
import { ferretdb } from './ferretdb.js';
import { chromium } from './chromium.js';

export const servers: readonly ServerSpec[] = [
  rabbitmq,
  mosquitto,
  kinesis,
  kafka,
  hdfs,
  minio,
  hbase,
  ferretdb,
  chromium,
];
