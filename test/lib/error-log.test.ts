/**
 * The log lines of reported errors: one line each, with the fix for the usual network errors,
 * no credentials, and a line that repeats logged once per interval with the count left out.
 */
import test from 'ava';
import { ErrorLog } from '../../lib/error-log.js';

function setup(interval = 30_000) {
  const lines: string[] = [];
  const clock = { time: 0, now: () => clock.time };
  const logger = {
    info: () => undefined,
    warn: (line: string) => void lines.push(line),
    error: () => undefined,
  };
  return { lines, clock, log: new ErrorLog(logger, clock, interval) };
}

const refused = (address: string) =>
  Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });

test('a line that repeats (its numbers aside) is logged once per interval, then with the count left out', (t) => {
  const { lines, clock, log } = setup();
  const table: [time: number, message: string][] = [
    [0, 'fetch failed (attempt 1)'],
    [1_000, 'fetch failed (attempt 2)'],
    [5_000, 'the topic was deleted'], // another kind: logged
    [29_999, 'fetch failed (attempt 3)'],
    [30_000, 'fetch failed (attempt 4)'],
    [45_000, 'fetch failed (attempt 5)'],
  ];
  for (const [time, message] of table) {
    clock.time = time;
    log.report('kafka orders', message);
  }
  log.report('kafka payments', 'fetch failed (attempt 1)'); // another source: logged
  t.deepEqual(lines, [
    'kafka orders: fetch failed (attempt 1)',
    'kafka orders: the topic was deleted',
    'kafka orders: fetch failed (attempt 4) (2 more like it in the last 30 s)',
    'kafka payments: fetch failed (attempt 1)',
  ]);
  clock.time = 50_000;
  log.flush();
  t.is(lines[4], 'kafka orders: fetch failed (attempt 5) (1 more like it in the last 20 s)');
  t.is(lines.length, 5);
});

test('network errors, as codes of the error or its causes or named in the message, say how to fix them; the retry delay is added when given', (t) => {
  const { lines, log } = setup();
  log.report("receiver 'socket 127.0.0.1:9'", 'connection failed', refused('127.0.0.1:9'), 500);
  const wrapped = new Error('could not reach the broker', {
    cause: Object.assign(new Error('x'), { code: 'ENOTFOUND' }),
  });
  log.report('mqtt sensors', 'could not connect', wrapped);
  log.report('other', 'no code', new Error('boom'));
  log.report(
    'rabbitmq q',
    'could not connect (connect ECONNREFUSED 127.0.0.1:5672)',
    new Error('no code kept'),
  );
  t.deepEqual(lines, [
    "receiver 'socket 127.0.0.1:9': connection failed; next try in 500 ms. " +
      'Nothing accepts connections there: start the server, or correct the host and port',
    'mqtt sensors: could not connect. The host name does not resolve: correct the host, or check DNS',
    'other: no code',
    'rabbitmq q: could not connect (connect ECONNREFUSED 127.0.0.1:5672). ' +
      'Nothing accepts connections there: start the server, or correct the host and port',
  ]);
});

test('each report is one line, without the user info of any URL', (t) => {
  const { lines, log } = setup();
  log.report('rabbitmq', 'lost amqp://app:s3cret@mq:5672/\n  at Socket.emit\r\n  at x');
  t.deepEqual(lines, ['rabbitmq: lost amqp://***@mq:5672/ at Socket.emit at x']);
});
