/** The MQTT output: `mqttOutput(stream, options)` or `new MqttOutput(options)`; see `output.ts`. */
export { MqttOutput, mqttOutput } from './output.js';
export type { MqttOutputOptions, MqttMessage } from './output.js';
export type { MqttClientSettings, MqttPublishProperties } from '../../systems/mqtt/options.js';
