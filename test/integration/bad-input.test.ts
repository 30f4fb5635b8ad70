/**
 * Bad input on a real TCP socket and a real directory: malformed JSON, invalid UTF-8, a 10 MB
 * line over a 1 MB `maxRecordBytes`, and records that make a user function throw each land in
 * the dead letters with their reason and origin, and every good record is processed.
 */
import test from 'ava';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeadLetter, DStream } from '../../lib/index.js';
import { LineServer, setup, stored, write } from '../lib/receiver/harness.js';

interface Reading {
  readonly id: number;
  readonly value?: number;
}

const DL = { onRecordError: 'deadLetter' } as const;
const GOOD = 2000;
const MAX_RECORD_BYTES = 1_000_000;
const HUGE_LINE_BYTES = 10 * 1024 * 1024;

/** The lines a producer sends: GOOD good readings with the bad ones among them, in order. */
function producerLines(): Buffer[] {
  const lines: Buffer[] = [];
  for (let id = 0; id < GOOD; id++) {
    lines.push(Buffer.from(`{"id":${id},"value":${id * 2}}\n`));
    if (id === 100) lines.push(Buffer.from('{"id":101, "value":\n')); // malformed JSON
    if (id === 500) lines.push(Buffer.from([...Buffer.from('{"id":"'), 0xc3, 0x28, ...Buffer.from('"}\n')])); // invalid UTF-8
    if (id === 900) lines.push(Buffer.from(`{"pad":"${'p'.repeat(HUGE_LINE_BYTES - 10)}"}\n`)); // 10 MB
    if (id === 1200 || id === 1900) lines.push(Buffer.from(`{"id":-${id}}\n`)); // no value: enrich throws
  }
  return lines;
}
const BAD_LINES = 5;

/** The user function: throws on a reading without a value. */
function enrich(reading: Reading): number {
  if (reading.value === undefined) throw new Error(`reading ${reading.id} has no value`);
  return reading.value;
}

/** Collects the records and dead letters of `stream` over every batch, and the per-batch counts. */
function observe(stream: DStream<number>, ssc: ReturnType<typeof setup>['ssc']) {
  const values: number[] = [];
  const dead: DeadLetter[] = [];
  const counted: number[] = [];
  stream.foreachBatch((records) => void values.push(...records));
  stream.deadLetters().foreachBatch((letters) => void dead.push(...letters));
  ssc.events.subscribe((e) => {
    if (e.type === 'batchCompleted') counted.push(e.deadLetters);
  });
  return { values, dead, counted };
}

/** Checks that every good reading was processed once: ids 0..GOOD-1, values 2 * id. */
function assertAllGood(
  t: { deepEqual: (a: unknown, b: unknown, m?: string) => void },
  values: number[],
): void {
  const expected = Array.from({ length: GOOD }, (_, id) => id * 2);
  t.deepEqual(
    [...values].sort((a, b) => a - b),
    expected,
    `all ${GOOD} good records processed`,
  );
}

test('socketTextStream with decode json: each bad line and each throwing record is a dead letter', async (t) => {
  t.timeout(60_000);
  const server = await LineServer.listen();
  const port = server.port;
  const { clock, ssc } = setup();
  const input = ssc.socketTextStream<Reading>('127.0.0.1', port, {
    decode: 'json',
    maxRecordBytes: MAX_RECORD_BYTES,
  });
  const { values, dead, counted } = observe(input.map(enrich, DL), ssc);
  const connection = server.nextConnection();
  await ssc.start();
  const socket = await connection;
  const lines = producerLines();
  await write(socket, Buffer.concat(lines.slice(0, 600)));
  await stored(input, 600);
  await clock.advance(1000);
  await write(socket, Buffer.concat(lines.slice(600)));
  await stored(input, GOOD + BAD_LINES);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();

  assertAllGood(t, values);
  const where = `socket 127.0.0.1:${port}`;
  t.deepEqual(
    dead.map((l) => [l.reason, l.operator, l.batchTime, l.origin.input, l.origin.detail]),
    [
      ['malformedJson', 'socketTextStream', 1000, 'socketTextStream', where],
      ['invalidUtf8', 'socketTextStream', 1000, 'socketTextStream', where],
      ['oversized', 'socketTextStream', 2000, 'socketTextStream', where],
      ['userFunction', 'socketTextStream/map', 2000, 'socketTextStream', where],
      ['userFunction', 'socketTextStream/map', 2000, 'socketTextStream', where],
    ],
  );
  const [malformed, invalid, oversized, thrown] = dead;
  t.is(malformed?.record, '{"id":101, "value":');
  t.regex(malformed?.error.message ?? '', /malformed JSON/);
  t.deepEqual(invalid?.record, Buffer.from([...Buffer.from('{"id":"'), 0xc3, 0x28, ...Buffer.from('"}')]));
  t.regex(invalid?.error.message ?? '', /not valid UTF-8/);
  t.is((oversized?.record as Buffer).length, 1024);
  t.is((oversized?.record as Buffer).subarray(0, 10).toString(), '{"pad":"pp');
  t.regex(
    oversized?.error.message ?? '',
    new RegExp(`of ${HUGE_LINE_BYTES} bytes is longer than maxRecordBytes`),
  );
  t.deepEqual(thrown?.record, { id: -1200 });
  t.is(thrown?.error.message, 'reading -1200 has no value');
  t.deepEqual(counted, [2, 3]);
});

test('textFileStream with decode json: dead letters name the file and line; the good lines are all read', async (t) => {
  t.timeout(60_000);
  const root = await mkdtemp(join(tmpdir(), 'kindling-bad-input-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'incoming');
  await mkdir(dir);
  const { clock, ssc } = setup();
  const input = ssc.textFileStream<Reading>(dir, { decode: 'json', maxRecordBytes: MAX_RECORD_BYTES });
  const { values, dead, counted } = observe(input.map(enrich, DL), ssc);
  await ssc.start();
  const lines = producerLines();
  await writeFile(join(root, 'readings.json'), Buffer.concat(lines));
  await rename(join(root, 'readings.json'), join(dir, 'readings.json'));
  await clock.advance(1000);
  await ssc.stop();

  assertAllGood(t, values);
  const file = join(dir, 'readings.json');
  const lineOf = (text: string): number => lines.findIndex((l) => l.toString().startsWith(text)) + 1;
  t.deepEqual(
    dead.map((l) => [l.reason, l.operator, l.origin.detail]),
    [
      ['malformedJson', 'textFileStream', `${file}:${lineOf('{"id":101, ')}`],
      ['invalidUtf8', 'textFileStream', `${file}:${lineOf('{"id":"')}`],
      ['oversized', 'textFileStream', `${file}:${lineOf('{"pad"')}`],
      ['userFunction', 'textFileStream/map', `directory ${dir}`],
      ['userFunction', 'textFileStream/map', `directory ${dir}`],
    ],
  );
  t.deepEqual(
    dead.slice(3).map((l) => l.record),
    [{ id: -1200 }, { id: -1900 }],
  );
  t.deepEqual(counted, [BAD_LINES]);
});

test("decode 'text': invalid UTF-8 and oversized lines are dead letters too, not replaced or buffered", async (t) => {
  t.timeout(60_000);
  const server = await LineServer.listen();
  const { clock, ssc } = setup();
  const input = ssc.socketTextStream('127.0.0.1', server.port, { maxRecordBytes: MAX_RECORD_BYTES });
  const words = input.flatMap((line) => line.split(' '));
  const { values, dead } = observe(
    words.map((w) => w.length),
    ssc,
  );
  const connection = server.nextConnection();
  await ssc.start();
  const socket = await connection;
  await write(socket, 'good line\n');
  await write(socket, Buffer.from([0x62, 0x61, 0x64, 0xff, 0x0a])); // 'bad' + 0xff
  await write(socket, Buffer.alloc(HUGE_LINE_BYTES, 'w'));
  await write(socket, '\nlast one\n');
  await stored(input, 4);
  await clock.advance(1000);
  await ssc.stop();
  await server.close();
  t.deepEqual(values, [4, 4, 4, 3]);
  t.deepEqual(
    dead.map((l) => l.reason),
    ['invalidUtf8', 'oversized'],
  );
  t.deepEqual(dead[0]?.record, Buffer.from('bad\xff', 'latin1'));
});
