/** Socket outputs: a TCP line client (`socketLineOutput`) and a line server (`socketLineServer`). */
export { SocketLineOutput, socketLineOutput } from './client.js';
export type { SocketLineOutputOptions } from './client.js';
export type { Report as SocketReport } from '../../systems/socket/endpoint.js';
export { SocketLineServer, socketLineServer } from './server.js';
export type { SocketLineServerOptions } from './server.js';
