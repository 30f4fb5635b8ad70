/**
 * What the MongoDB lookup and output tests share: the FerretDB server's address, a client whose
 * commands are counted (command monitoring), unique database names, and a port nothing listens on.
 */
import { createServer } from 'node:net';
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { ferretdbUrl } from '../../../scripts/servers/ferretdb.js';
import { serverEnv, uniqueName } from '../../helpers/servers.js';

/** The test server's `mongodb://` address. */
export function mongoUrl(): string {
  return ferretdbUrl(serverEnv('ferretdb'));
}

/** A database name no other test uses (FerretDB takes letters, digits, '_' and '-'). */
export function uniqueDb(prefix: string): string {
  return uniqueName(prefix).replace(/[^a-zA-Z0-9_-]/g, '_');
}

/** A client with command monitoring, and the commands it started, in order. */
export function monitoredClient(): { client: MongoClient; commands: CommandStartedEvent[] } {
  const client = new MongoClient(mongoUrl(), { monitorCommands: true, serverSelectionTimeoutMS: 10_000 });
  const commands: CommandStartedEvent[] = [];
  client.on('commandStarted', (event) => commands.push(event));
  return { client, commands };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
