/**
 * The receivers' byte bound (receiverBufferBytes): past it, store() waits until a batch takes
 * blocks, and the socket receiver stops reading, so TCP pushes back on the server.
 */
import test from 'ava';
import type { Socket } from 'node:net';
import { ManualClock, Receiver } from '../../../lib/index.js';
import type { ReceiverInputNode } from '../../../lib/dstream/inputs/receiver-stream.js';
import { BlockGenerator } from '../../../lib/receiver/block-generator.js';
import { recordsBytes } from '../../../lib/rate/record-size.js';
import { ConfigurationError } from '../../../lib/errors.js';
import { LineServer, collect, setup } from './harness.js';

/** A receiver the test stores through directly. */
class Direct extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

/** Resolves `true` if `promise` has settled after pending callbacks ran, else `false`. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise<void>((resolve) => setImmediate(resolve));
  return done;
}

test('BlockGenerator counts bytes until a batch takes the blocks', async (t) => {
  const clock = new ManualClock();
  const gen = new BlockGenerator<string>(0, clock, 200, 100);
  const blocks: Parameters<BlockGenerator<string>['taken']>[1][number][] = [];
  gen.blocks.subscribe((b) => blocks.push(b));
  gen.start();
  gen.add(['0123456789', '0123456789']); // 40 bytes
  t.is(gen.bytes, 40);
  t.true(await settled(gen.whenRoom()), 'room while at most 100 bytes');
  await clock.advance(200);
  gen.add(['x'.repeat(40)]); // 80 more: 120, over the bound
  t.is(gen.bytes, 120, 'a cut block still counts until a batch takes it');
  const room = gen.whenRoom();
  t.false(await settled(room));
  gen.cut(1000);
  gen.taken(1000, blocks.splice(0, 1));
  t.is(gen.bytes, 80);
  t.true(await settled(room), 'a batch took 40 bytes: back under the bound');
  t.is(gen.recordsTakenAt(1000), 2);
  gen.add(['y'.repeat(20)]);
  const waiting = gen.whenRoom();
  gen.stop();
  t.true(await settled(waiting), 'stop releases waiting stores');
});

test('receiverBufferBytes must be positive', (t) => {
  t.throws(() => setup({ receiverBufferBytes: 0 }), {
    instanceOf: ConfigurationError,
    message: /receiverBufferBytes must be a positive number of bytes, got 0/,
  });
  t.throws(() => new BlockGenerator(0, new ManualClock(), 200, -1), { instanceOf: ConfigurationError });
});

test('a full buffer holds store() until a batch takes blocks, then it resumes', async (t) => {
  const { clock, ssc } = setup({ receiverBufferBytes: 100 });
  const receiver = new Direct('direct');
  const out = collect(ssc.receiverStream(receiver));
  await ssc.start();
  const a = 'a'.repeat(30); // 60 bytes
  t.true(await settled(receiver.store([a])), 'under the bound: resolves at once');
  const second = receiver.store([a]); // 120 bytes: taken, but the store waits
  t.false(await settled(second));
  await clock.advance(999);
  t.false(await settled(second), 'block cuts alone free nothing');
  await clock.advance(1);
  t.true(await settled(second), 'the batch at 1000 took the blocks');
  await receiver.store(['b']);
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(out, [
    { time: 1000, records: [a, a] },
    { time: 2000, records: ['b'] },
  ]);
});

test('with maxRate too, a full buffer holds the rate-limited store', async (t) => {
  const { clock, ssc } = setup({ receiverBufferBytes: 100 });
  const receiver = new Direct('limited');
  const out = collect(ssc.receiverStream(receiver, { maxRate: 1000 }));
  await ssc.start();
  // 8 bytes each; maxRate alone would let all 40 pass within 40 ms, in chunks of 10
  const stored = receiver.store(Array.from({ length: 40 }, (_, i) => `r${String(i).padStart(2, '0')}`));
  await clock.advance(500);
  t.false(await settled(stored), 'held at the bound, not by the rate');
  await clock.advance(1500);
  t.true(await settled(stored));
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(
    out.map((b) => b.records.length),
    [20, 20, 0],
    'each batch: the chunk that crossed 100 bytes (80 + 80) and no more',
  );
  t.deepEqual(
    out.flatMap((b) => b.records),
    Array.from({ length: 40 }, (_, i) => `r${String(i).padStart(2, '0')}`),
  );
});

test('a real socket: the receiver stops reading at the bound and the server is held back by TCP', async (t) => {
  t.timeout(60_000);
  const bound = 1024 * 1024;
  const lineCount = 240_000;
  const line = (i: number) => `${String(i).padStart(8, '0')} ${'x'.repeat(90)}`; // 100 bytes with \n
  const server = await LineServer.listen();
  t.teardown(() => server.close());
  const { clock, ssc } = setup({ receiverBufferBytes: bound });
  const stream = ssc.socketTextStream('127.0.0.1', server.port);
  let counted = 0;
  let inOrder = true;
  stream.foreachBatch((records) => {
    for (const r of records) inOrder &&= r === line(counted++);
  });
  await ssc.start();
  const connection = await server.nextConnection();
  connection.on('error', () => undefined); // the receiver resets the connection when it stops
  const node = stream.node as ReceiverInputNode<string>;
  const gen = node.blockGenerator as BlockGenerator<string>;

  // Watch every store: the bytes held, the largest single store, and each time the buffer fills.
  let maxBytes = 0;
  let maxChunk = 0;
  let onFull: (() => void) | undefined;
  const add = gen.add.bind(gen);
  gen.add = (...args: Parameters<typeof add>) => {
    add(...args);
    maxBytes = Math.max(maxBytes, gen.bytes);
    maxChunk = Math.max(maxChunk, recordsBytes(args[0]));
  };
  const whenRoom = gen.whenRoom.bind(gen);
  gen.whenRoom = () => {
    if (gen.bytes > gen.maxBytes) onFull?.();
    return whenRoom();
  };
  const full = () => new Promise<void>((resolve) => (onFull = resolve));

  let written = 0;
  const sending = send(connection, lineCount, line, (n) => (written = n));
  const socketOf = (receiver: unknown) =>
    (receiver as { connection?: { socket: Socket } }).connection?.socket;

  await full();
  const writtenAtFull = written;
  t.true(
    writtenAtFull < lineCount,
    `the server is held back: ${writtenAtFull} of ${lineCount} lines written`,
  );
  t.true(socketOf(node.receiver)?.isPaused(), 'the receiver paused its socket');
  let batches = 0;
  while (gen.storedTotal < lineCount) {
    const next = full();
    await clock.advance(1000);
    batches++;
    await Promise.race([next, sending.then(() => gen.whenStored(lineCount))]);
  }
  await sending;
  await clock.advance(1000);
  await ssc.stop();
  t.is(counted, lineCount, 'every line was counted');
  t.true(inOrder, 'in order');
  t.true(batches >= 10, `the lines took many batches (${batches})`);
  t.log({ writtenAtFull, batches, maxBytes, maxChunk });
  t.true(
    maxBytes <= bound + maxChunk,
    `held ${maxBytes} bytes at most; bound ${bound} plus one store of ${maxChunk}`,
  );
});

/** Writes `count` lines, waiting for 'drain' whenever the socket's buffer is full. */
async function send(
  socket: Socket,
  count: number,
  line: (i: number) => string,
  progress: (written: number) => void,
): Promise<void> {
  const perWrite = 100;
  for (let i = 0; i < count; i += perWrite) {
    let text = '';
    for (let j = i; j < Math.min(count, i + perWrite); j++) text += `${line(j)}\n`;
    const ok = socket.write(text);
    progress(Math.min(count, i + perWrite));
    if (!ok) await new Promise((resolve) => socket.once('drain', resolve));
  }
}
