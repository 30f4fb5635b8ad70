/**
 * The TCP line client output against real line servers on 127.0.0.1: every record arrives as one
 * line, and across a server restart (between batches, and with the server down during a batch) it
 * reconnects with back-off, says so on the event stream, and sends the failed batch again.
 */
import test from 'ava';
import { filter, firstValueFrom } from 'rxjs';
import {
  ConfigurationError,
  ManualClock,
  StreamingContext,
  type EventOf,
  type StreamingEvent,
} from '../../../lib/index.js';
import { socketLineOutput } from '../../../outputs/socket/index.js';
import { LineCollector } from './lines.js';

function context(name: string): { clock: ManualClock; ssc: StreamingContext; reports: string[] } {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name });
  const reports: string[] = [];
  ssc.events.subscribe((e: StreamingEvent) => {
    if (e.type === 'connectorError') reports.push(`${e.connector}: ${e.message}`);
  });
  return { clock, ssc, reports };
}

function connectorError(ssc: StreamingContext, pattern: RegExp): Promise<EventOf<'connectorError'>> {
  return firstValueFrom(
    ssc.events.pipe(
      filter((e): e is EventOf<'connectorError'> => e.type === 'connectorError' && pattern.test(e.message)),
    ),
  );
}

test('every record arrives as one line, in order, as JSON Lines', async (t) => {
  t.timeout(30_000);
  const server = await LineCollector.listen();
  t.teardown(() => server.kill());
  const { clock, ssc } = context('socket-client-lines');
  const batches = [
    [
      { n: 1, s: 'a\nb' },
      { n: 2, s: 'é' },
    ],
    [],
    Array.from({ length: 5000 }, (_, n) => ({ n, s: 'x' })),
  ];
  const out = socketLineOutput(ssc.queueStream([...batches]), {
    host: '127.0.0.1',
    port: server.port,
    format: 'jsonl',
  });
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  await server.received(5002);
  await out.close();
  t.deepEqual(
    server.lines.map((l) => JSON.parse(l) as unknown),
    batches.flat(),
  );
  t.is(server.connections.length, 1);
});

test('a server restart between batches: the client reconnects and the next batch arrives whole', async (t) => {
  t.timeout(30_000);
  const first = await LineCollector.listen();
  const port = first.port;
  const { clock, ssc, reports } = context('socket-client-restart');
  const out = socketLineOutput(
    ssc.queueStream([
      ['a1', 'a2'],
      ['b1', 'b2', 'b3'],
    ]),
    {
      host: '127.0.0.1',
      port,
      retry: { initialDelay: 10, maxDelay: 50 },
    },
  );
  await ssc.start();
  await clock.advance(1000);
  await first.received(2);
  const lost = connectorError(ssc, /server closed the connection/);
  await first.kill();
  await lost; // the client saw the connection go
  const second = await LineCollector.listen(port);
  t.teardown(() => second.kill());
  await clock.advance(1000);
  await second.received(3);
  await ssc.stop();
  await out.close();
  t.deepEqual(first.lines, ['a1', 'a2']);
  t.deepEqual(second.lines, ['b1', 'b2', 'b3']);
  t.true(reports.some((r) => /^socket line output to 127\.0\.0\.1:\d+: the server closed/.test(r)));
});

test('with the server down during a batch, it backs off, reports, and sends the batch once it is back', async (t) => {
  t.timeout(30_000);
  const first = await LineCollector.listen();
  const port = first.port;
  const { clock, ssc, reports } = context('socket-client-down');
  let second: LineCollector | undefined;
  t.teardown(() => second?.kill());
  const out = socketLineOutput(ssc.queueStream([['a1'], ['b1', 'b2']]), {
    host: '127.0.0.1',
    port,
    retry: { initialDelay: 10, maxDelay: 50 },
  });
  await ssc.start();
  await clock.advance(1000);
  await first.received(1);
  const lost = connectorError(ssc, /server closed the connection/);
  await first.kill();
  await lost;
  // The server comes back once the client said it will send the batch again.
  const retrying = connectorError(ssc, /batch 2000: cannot connect: .*trying again in \d+ ms/).then(
    async (e) => {
      second = await LineCollector.listen(port);
      return e;
    },
  );
  await clock.advance(1000);
  const event = await retrying;
  await ssc.stop();
  await second?.received(2);
  await out.close();
  t.true(typeof event.retryIn === 'number' && event.retryIn >= 0);
  t.regex(event.message, /^batch 2000: cannot connect: .*ECONNREFUSED/);
  t.deepEqual(first.lines, ['a1']);
  t.deepEqual(second?.lines, ['b1', 'b2']);
  t.false(reports.some((r) => /sent all/.test(r))); // nothing had been written: no duplicates
});

test('a batch fails with a clear error once the attempts run out', async (t) => {
  t.timeout(30_000);
  const gone = await LineCollector.listen();
  const port = gone.port;
  await gone.kill();
  const { clock, ssc } = context('socket-client-gives-up');
  socketLineOutput(ssc.queueStream([['x']]), {
    host: '127.0.0.1',
    port,
    retry: { initialDelay: 5, maxAttempts: 3 },
  });
  const ended = ssc.awaitTermination().catch((e: unknown) => e);
  await ssc.start();
  await clock.advance(1000).catch(() => undefined);
  const error = (await ended) as Error;
  t.regex(
    error.message,
    /socket line output to 127\.0\.0\.1:\d+: batch 1000: 1 lines not delivered after 3 attempts/,
  );
  await ssc.stop().catch(() => undefined);
});

test('wrong options are refused at build time', (t) => {
  const { ssc } = context('socket-client-config');
  const s = ssc.queueStream<string>([]);
  t.throws(() => socketLineOutput(s, { host: '', port: 1 }), {
    instanceOf: ConfigurationError,
    message: /host/,
  });
  t.throws(() => socketLineOutput(s, { host: 'h', port: 0 }), {
    instanceOf: ConfigurationError,
    message: /port must be/,
  });
  t.throws(() => socketLineOutput(s, { host: 'h', port: 70000 }), { instanceOf: ConfigurationError });
});

test('a connection lost in the middle of a batch: the whole batch is sent again, and that is reported', async (t) => {
  t.timeout(60_000);
  // The server cuts the first connection as soon as its first bytes arrive, mid-batch.
  const server = await LineCollector.listen(0, { cutFirstConnection: true });
  t.teardown(() => server.kill());
  const { clock, ssc, reports } = context('socket-client-mid-batch');
  const batch = Array.from({ length: 200_000 }, (_, n) => `line ${n} ${'x'.repeat(100)}`);
  const out = socketLineOutput(ssc.queueStream([[...batch]]), {
    host: '127.0.0.1',
    port: server.port,
    retry: { initialDelay: 10 },
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  await server.received(batch.length);
  await out.close();
  t.deepEqual(server.lines, batch); // the second connection got the whole batch
  t.true(server.cutLines < batch.length); // the first got only part of it
  t.true(
    reports.some((r) =>
      /batch 1000: the connection failed while writing its 200000 lines .*sending them all again/.test(r),
    ),
  );
  t.true(reports.some((r) => /batch 1000: sent all 200000 lines again on a new connection/.test(r)));
});
