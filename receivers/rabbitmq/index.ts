/** The RabbitMQ receiver: `rabbitmqStream(ssc, options)`; see `receiver.ts`. */
export { RabbitMQReceiver, rabbitmqStream } from './receiver.js';
export type { RabbitMQRecord, RabbitMQReceiverOptions } from './receiver.js';
export type {
  RabbitMQConnectionOptions,
  RabbitMQSocketSettings,
  RabbitMQQueueSettings,
  RabbitMQMessageProperties,
} from '../../systems/rabbitmq/options.js';
