/** The MQTT output: `saveToMqtt(stream, options)` or `new MqttOutput(options)`; see `output.ts`. */
export { MqttOutput, saveToMqtt } from './output.js';
export type { MqttOutputOptions, MqttMessage } from './output.js';
