/** The RabbitMQ output: `rabbitmqOutput(stream, options)` or `new RabbitMQOutput(options)`; see `output.ts`. */
export { RabbitMQOutput, rabbitmqOutput } from './output.js';
export type { RabbitMQOutputOptions, RabbitMQMessage } from './output.js';
export type { RabbitMQPublishProperties } from '../../systems/rabbitmq/options.js';
