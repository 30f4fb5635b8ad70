/**
 * socketTextStream against a real TCP server on 127.0.0.1. The clock is advanced only after the
 * receiver has stored what the server sent (`stored`), so no test waits on real time.
 */
import test from 'ava';
import { once } from 'node:events';
import { ConfigurationError } from '../../../../lib/index.js';
import { LineServer, collect, nextEvent, receiverLog, setup, stored, write } from '../../receiver/harness.js';

/** TCP socket handles open in this process. */
function tcpSockets(): string[] {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap');
}

/** A job reading a new line server's socket, started, with the server's side of the connection. */
async function startedJob() {
  const server = await LineServer.listen();
  const job = setup();
  const stream = job.ssc.socketTextStream('127.0.0.1', server.port);
  const out = collect(stream);
  const connection = server.nextConnection();
  await job.ssc.start();
  return { ...job, server, stream, out, socket: await connection };
}

test('lines sent by the server arrive in the batch after they were stored', async (t) => {
  t.timeout(10_000);
  const { server, clock, ssc, stream, out, socket } = await startedJob();
  await write(socket, 'hello world\nsecond line\n');
  await stored(stream, 2);
  await clock.advance(1000);
  await write(socket, 'third\n');
  await stored(stream, 3);
  await clock.advance(2000);
  await ssc.stop();
  await server.close();
  t.deepEqual(out, [
    { time: 1000, records: ['hello world', 'second line'] },
    { time: 2000, records: ['third'] },
    { time: 3000, records: [] },
  ]);
});

test('a line split across TCP chunks is put back together', async (t) => {
  t.timeout(10_000);
  const { server, clock, ssc, stream, out, socket } = await startedJob();
  socket.setNoDelay(true);
  // Once 'first' is stored the receiver has read the chunk that also carried 'hal'.
  await write(socket, 'first\nhal');
  await stored(stream, 1);
  await write(socket, 'f a ');
  await write(socket, 'line\nlast\n');
  await stored(stream, 3);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(out, [{ time: 1000, records: ['first', 'half a line', 'last'] }]);
});

test('CRLF line ends are stripped, also when CR and LF come in different chunks', async (t) => {
  t.timeout(10_000);
  const { server, clock, ssc, stream, out, socket } = await startedJob();
  await write(socket, 'one\r\ntwo\r');
  await stored(stream, 1);
  await write(socket, '\n\r\nthree\n');
  await stored(stream, 4);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(out, [{ time: 1000, records: ['one', 'two', '', 'three'] }]);
});

test('a multi-byte UTF-8 character split across chunks is decoded whole', async (t) => {
  t.timeout(10_000);
  const { server, clock, ssc, stream, out, socket } = await startedJob();
  const text = Buffer.from('x\n5 €, 🔥 ok\n', 'utf8');
  const euro = text.indexOf(0xe2); // the euro sign is e2 82 ac
  const fire = text.indexOf(0xf0); // the fire emoji is f0 9f 94 a5
  await write(socket, text.subarray(0, euro + 1));
  await stored(stream, 1);
  await write(socket, text.subarray(euro + 1, fire + 2));
  await write(socket, text.subarray(fire + 2));
  await stored(stream, 2);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(out, [{ time: 1000, records: ['x', '5 €, 🔥 ok'] }]);
});

test('when the server closes the connection the receiver reports it, backs off and reconnects', async (t) => {
  t.timeout(10_000);
  const server = await LineServer.listen();
  const { clock, ssc, events } = setup();
  const stream = ssc.socketTextStream('127.0.0.1', server.port);
  const out = collect(stream);
  const first = server.nextConnection();
  await ssc.start();
  const socket1 = await first;
  await write(socket1, 'before\nunterminated');
  await stored(stream, 1);
  await clock.advance(1000);

  const failed = nextEvent(ssc, 'receiverError');
  const second = server.nextConnection();
  socket1.end();
  const error = await failed;
  t.is(error.restartIn, 500);
  t.regex(error.message, /closed by the server/);
  t.is(error.receiver, `socket 127.0.0.1:${server.port}`);
  await clock.advance(499);
  t.deepEqual(receiverLog(events), ['started', 'error:500'], 'not restarted before the back-off');
  await clock.advance(1);
  const socket2 = await second;
  await write(socket2, 'after\n');
  await stored(stream, 3);
  await clock.advance(500);
  await ssc.stop();
  await server.close();
  t.deepEqual(out, [
    { time: 1000, records: ['before'] },
    { time: 2000, records: ['unterminated', 'after'] },
  ]);
  t.deepEqual(receiverLog(events), ['started', 'error:500', 'started', 'stopped']);
});

test('a refused connection is reported and retried with growing back-off until the server is up', async (t) => {
  t.timeout(10_000);
  const probe = await LineServer.listen();
  const port = probe.port;
  await probe.close();
  const { clock, ssc, events } = setup();
  const stream = ssc.socketTextStream('127.0.0.1', port);
  const out = collect(stream);
  const refused = nextEvent(ssc, 'receiverError');
  await ssc.start();
  const first = await refused;
  t.is(first.restartIn, 500);
  t.is((first.error as NodeJS.ErrnoException).code, 'ECONNREFUSED');

  const refusedAgain = nextEvent(ssc, 'receiverError');
  await clock.advance(500);
  t.is((await refusedAgain).restartIn, 1000, 'the back-off doubles');

  const server = await LineServer.listen(port);
  const connection = server.nextConnection();
  await clock.advance(1000);
  await write(await connection, 'up\n');
  await stored(stream, 1);
  await clock.advance(500);
  await ssc.stop();
  await server.close();
  t.deepEqual(out, [
    { time: 1000, records: [] },
    { time: 2000, records: ['up'] },
  ]);
  t.deepEqual(receiverLog(events), ['started', 'error:500', 'started', 'error:1000', 'started', 'stopped']);
});

test('a refused connection is logged, naming the port and the fix; repeats once per 30 s, with their count', async (t) => {
  t.timeout(20_000);
  const probe = await LineServer.listen();
  const port = probe.port;
  await probe.close();
  const lines: string[] = [];
  const logger = {
    info: () => undefined,
    warn: (line: string) => void lines.push(line),
    error: () => undefined,
  };
  const { clock, ssc } = setup({ logger });
  collect(ssc.socketTextStream('127.0.0.1', port));
  let refused = nextEvent(ssc, 'receiverError');
  await ssc.start();
  let event = await refused;
  const where = `127.0.0.1:${port}`;
  t.deepEqual(lines, [
    `receiver 'socket ${where}': restarting: connection to ${where} failed (connect ECONNREFUSED ${where}); ` +
      'next try in 500 ms. Nothing accepts connections there: start the server, or correct the host and port',
  ]);
  // Refused again after 500, 1000, 2000, 4000, 8000 ms (not logged), then 16 000 ms: 31.5 s after the first.
  for (let n = 0; n < 6; n++) {
    refused = nextEvent(ssc, 'receiverError');
    await clock.advance(event.restartIn ?? 0);
    event = await refused;
  }
  await ssc.stop();
  t.is(lines.length, 2, lines.join('\n'));
  t.true(
    lines[1]?.startsWith(`receiver 'socket ${where}': restarting: connection to ${where} failed`),
    lines[1],
  );
  t.regex(lines[1] ?? '', / \(5 more like it in the last 32 s\)$/);
});

test.serial('with logger: false a refused connection is on the events only', async (t) => {
  t.timeout(10_000);
  const probe = await LineServer.listen();
  const port = probe.port;
  await probe.close();
  const printed: unknown[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void printed.push(args);
  t.teardown(() => {
    console.error = consoleError;
  });
  const { ssc } = setup({ logger: false });
  collect(ssc.socketTextStream('127.0.0.1', port));
  const refused = nextEvent(ssc, 'receiverError');
  await ssc.start();
  t.regex((await refused).message, new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
  await ssc.stop();
  t.deepEqual(printed, []);
});

test.serial('stopping the context closes the connection, leaving no open socket', async (t) => {
  t.timeout(10_000);
  const server = await LineServer.listen();
  const { ssc } = setup();
  collect(ssc.socketTextStream('127.0.0.1', server.port));
  const connection = server.nextConnection();
  await ssc.start();
  const socket = await connection;
  t.deepEqual(tcpSockets(), ['TCPSocketWrap', 'TCPSocketWrap'], 'the receiver and the server side');
  const closed = once(socket, 'close');
  await ssc.stop();
  t.deepEqual(tcpSockets(), ['TCPSocketWrap'], "the receiver's socket is closed when stop() resolves");
  await closed;
  t.deepEqual(tcpSockets(), []);
  await server.close(); // would never resolve with a connection left open
  t.is(ssc.state, 'stopped');
});

test('stopping the context during the back-off cancels the restart', async (t) => {
  t.timeout(10_000);
  const probe = await LineServer.listen();
  const port = probe.port;
  await probe.close();
  const { clock, ssc, events } = setup();
  collect(ssc.socketTextStream('127.0.0.1', port));
  const refused = nextEvent(ssc, 'receiverError');
  await ssc.start();
  await refused;
  await ssc.stop();
  await clock.advance(5000);
  t.deepEqual(receiverLog(events), ['started', 'error:500', 'stopped']);
});

test('socketTextStream refuses a port that cannot be one', (t) => {
  const { ssc } = setup();
  t.throws(() => ssc.socketTextStream('127.0.0.1', 70_000), {
    instanceOf: ConfigurationError,
    message: 'socketTextStream: port must be a whole number from 1 to 65535, got 70000',
  });
});
