/** The MQTT receiver: `mqttStream(ssc, options)`; see `receiver.ts`. */
export { MqttReceiver, mqttStream } from './receiver.js';
export type { MqttRecord, MqttReceiverOptions } from './receiver.js';
export type {
  MqttConnectionOptions,
  MqttClientSettings,
  MqttPublishProperties,
} from '../../systems/mqtt/options.js';
