/**
 * A damaged write-ahead log and a receiver whose source can send again from a position (as the
 * crash test's line server and Kinesis can): the log and the checkpoint agree on what was
 * counted. Damage among blocks the checkpoint already counted does not make the receiver resume
 * before them (which counted them twice), and nothing after the damage is used (it is sent again).
 */
import test, { type ExecutionContext } from 'ava';
import { mkdtemp, open, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, Receiver, StreamingContext, type StreamingEvent } from '../../../lib/index.js';
import { FRAME_HEADER_BYTES } from '../../../lib/wal/segment.js';

/** The words of a source that sends from any position: word i is `w<i % 7>`. */
const WORDS = Array.from({ length: 40 }, (_, i) => `w${i % 7}`);

/** A receiver over `WORDS` that resumes where the engine says the source stood. */
class Resumable extends Receiver<string> {
  next = 0;
  onStart(): void {
    this.next = typeof this.lastPosition === 'number' ? this.lastPosition : 0;
  }
  onStop(): void {}
  /** Sends the next `n` words (fewer at the end), with the position after them. */
  async send(n: number): Promise<void> {
    const from = this.next;
    this.next = Math.min(WORDS.length, from + n);
    await this.store(WORDS.slice(from, this.next), this.next);
  }
}

function job(dir: string, start: number, events: StreamingEvent[]) {
  const clock = new ManualClock(start);
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    checkpointDir: dir,
    writeAheadLog: true,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  ssc.events.subscribe((e) => events.push(e));
  const receiver = new Resumable('resumable');
  let state = new Map<string, number>();
  ssc
    .receiverStream(receiver)
    .map((w): [string, number] => [w, 1])
    .updateStateByKey((ones: number[], n: number | undefined) => (n ?? 0) + ones.length)
    .name('counts')
    .foreachBatch((records) => void (state = new Map(records)));
  return { ssc, clock, receiver, state: () => state };
}

function expectedCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const w of WORDS) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

/** Flips two bytes inside the first or the last frame of the log's only segment. */
async function damage(dir: string, frame: 'first' | 'last'): Promise<void> {
  const logDir = join(dir, 'received', 'receiverStream');
  const [segment] = (await readdir(logDir)).sort();
  const path = join(logDir, segment as string);
  const size = (await stat(path)).size;
  const file = await open(path, 'r+');
  try {
    // Inside the payload of the first frame (just after its header), or of the last (its end).
    const at = frame === 'first' ? FRAME_HEADER_BYTES + 4 : size - 6;
    const bytes = Buffer.alloc(2);
    await file.read(bytes, 0, 2, at);
    await file.write(Buffer.from([bytes[0]! ^ 0xff, bytes[1]! ^ 0xff]), 0, 2, at);
  } finally {
    await file.close();
  }
}

async function crashDamageAndFinish(t: ExecutionContext, frame: 'first' | 'last'): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-wal-damage-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = job(dir, 0, []);
  await first.ssc.start();
  await first.receiver.send(6);
  await first.clock.advance(1000);
  await first.receiver.send(6);
  await first.clock.advance(1000); // 12 words counted, checkpoint at 2000
  await first.receiver.send(5); // logged, in no batch, when the process dies
  await damage(dir, frame);

  const events: StreamingEvent[] = [];
  let second!: ReturnType<typeof job>;
  const ssc = await StreamingContext.getOrCreate(dir, () => (second = job(dir, 2000, events)).ssc);
  await ssc.start();
  const resumedAt = second.receiver.next;
  while (second.receiver.next < WORDS.length) await second.receiver.send(7);
  await second.clock.advance(1000);
  await ssc.stop();
  t.true(
    events.some((e) => e.type === 'writeAheadLogDamaged'),
    'the damage is reported',
  );
  t.deepEqual(second.state(), expectedCounts(), 'every word counted once');
  t.log(`resumed at word ${resumedAt}`);
  // A restart after this one meets no damage: the log was written afresh.
  const after: StreamingEvent[] = [];
  const third = await StreamingContext.getOrCreate(dir, () => job(dir, 3000, after).ssc);
  await third.start();
  await third.stop();
  t.false(after.some((e) => e.type === 'writeAheadLogDamaged'));
}

test('damage among blocks the checkpoint counted: the receiver resumes from the checkpoint, nothing counted twice', async (t) => {
  await crashDamageAndFinish(t, 'first');
});

test('damage in a block no batch took yet: the receiver resumes before it, and the source sends it again', async (t) => {
  await crashDamageAndFinish(t, 'last');
});
