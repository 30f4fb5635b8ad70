/**
 * The line server output with real TCP clients: every batch reaches every connected client, it
 * binds 127.0.0.1 by default, and a client that stops reading is dropped past the bound and
 * reported, while the others go on.
 */
import test from 'ava';
import { connect } from 'node:net';
import { filter, firstValueFrom } from 'rxjs';
import { ConfigurationError, ManualClock, StreamingContext, type EventOf } from '../../../lib/index.js';
import { SocketLineServer, socketLineServer } from '../../../outputs/socket/index.js';
import { LineReader } from './lines.js';

function context(name: string): { clock: ManualClock; ssc: StreamingContext } {
  const clock = new ManualClock();
  return { clock, ssc: new StreamingContext({ batchInterval: 1000, clock, name }) };
}

test('every batch goes to both connected clients, on 127.0.0.1 by default', async (t) => {
  t.timeout(30_000);
  const { clock, ssc } = context('line-server-two');
  const batches = [
    [['a', 1]],
    [],
    [
      ['b', 2],
      ['c, "d"', 3],
    ],
  ] as [string, number][][];
  const server = socketLineServer(ssc.queueStream([...batches]), { port: 0, format: 'csv' });
  t.teardown(() => server.close());
  const address = await server.listening;
  t.is(address.address, '127.0.0.1');
  const one = await LineReader.connect(address.port);
  const two = await LineReader.connect(address.port);
  await server.whenClients(2);
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  await Promise.all([one.received(3), two.received(3)]);
  const expected = ['a,1\r', 'b,2\r', '"c, ""d""",3\r'];
  t.deepEqual(one.lines, expected);
  t.deepEqual(two.lines, expected);
  one.socket.destroy();
  two.socket.destroy();
});

test('a client that stops reading is dropped past maxBufferedBytes and reported; the other goes on', async (t) => {
  t.timeout(60_000);
  const { clock, ssc } = context('line-server-slow');
  const big = Array.from({ length: 40_000 }, (_, n) => `${n} ${'y'.repeat(1000)}`); // 40 MB: more than socket buffers
  const server = socketLineServer(ssc.queueStream([[...big], ['after']]), {
    port: 0,
    maxBufferedBytes: 65_536,
  });
  t.teardown(() => server.close());
  const { port } = await server.listening;
  const fast = await LineReader.connect(port);
  const slow = connect({ host: '127.0.0.1', port }); // never reads
  slow.on('error', () => undefined);
  t.teardown(() => slow.destroy());
  await server.whenClients(2);
  const dropped = firstValueFrom(
    ssc.events.pipe(
      filter(
        (e): e is EventOf<'connectorError'> =>
          e.type === 'connectorError' && /dropped client/.test(e.message),
      ),
    ),
  );
  await ssc.start();
  await clock.advance(1000);
  await fast.received(big.length); // the reading client has the whole first batch
  await clock.advance(1000);
  const event = await dropped;
  await fast.received(big.length + 1);
  t.is(server.clients, 1, 'the slow client was dropped; the reading one stays');
  await ssc.stop();
  t.is(event.connector, `socket line server on 127.0.0.1:${port}`);
  t.regex(
    event.message,
    /^dropped client 127\.0\.0\.1:\d+: \d+ bytes still unsent, over maxBufferedBytes 65536; it misses the batch at 2000/,
  );
  t.deepEqual(fast.lines, [...big, 'after']);
  t.is(server.clients, 0, 'ssc.stop() closed the server and disconnected its clients');
  fast.socket.destroy();
});

test('a port in use fails the batch with a clear error; wrong options are refused', async (t) => {
  t.timeout(30_000);
  const taken = new SocketLineServer<string>({ port: 0 });
  t.teardown(() => taken.close());
  const { port } = await taken.listening;
  const again = new SocketLineServer<string>({ port });
  await t.throwsAsync(again.write(['x'], 1000), {
    message: /socket line server on 127\.0\.0\.1:\d+: cannot listen: .*EADDRINUSE/,
  });
  t.throws(() => new SocketLineServer<string>({ port: -1 }), {
    instanceOf: ConfigurationError,
    message: /port must be/,
  });
  t.throws(() => new SocketLineServer<string>({ port: 0, maxBufferedBytes: 0 }), {
    instanceOf: ConfigurationError,
  });
});
