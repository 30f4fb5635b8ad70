/** The RabbitMQ output: `saveToRabbitMQ(stream, options)` or `new RabbitMQOutput(options)`; see `output.ts`. */
export { RabbitMQOutput, saveToRabbitMQ } from './output.js';
export type { RabbitMQOutputOptions, RabbitMQMessage } from './output.js';
