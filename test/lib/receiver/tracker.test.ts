import test from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { ConfigurationError, ManualClock, Receiver, type StreamingEvent } from '../../../lib/index.js';
import { ReceiverInputNode } from '../../../lib/dstream/inputs/receiver-stream.js';
import { DStreamGraph } from '../../../lib/graph.js';
import { ReceiverTracker } from '../../../lib/receiver/tracker.js';

class Pushed extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A tracker of one receiver stream (stream id 0) on a ManualClock, with the events it reports. */
function tracked(name = 'pushed') {
  const clock = new ManualClock();
  const events = new Subject<StreamingEvent>();
  const seen: StreamingEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const graph = new DStreamGraph(1000, 'tracker-test');
  const receiver = new Pushed(name);
  const input = new ReceiverInputNode<string>(graph, receiver);
  input.initialize(0);
  input.remember(1000);
  const env = { clock, events, blockInterval: 200, restartBackoff: { initialDelay: 100 } };
  const tracker = new ReceiverTracker(
    [{ streamId: 0, input: input as ReceiverInputNode<unknown> }],
    env,
    quiet,
  );
  return { tracker, input, receiver, events: seen };
}

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-tracker-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('stored records wait for a batch until one takes them; those left at close are reported', async (t) => {
  const { tracker, input, receiver, events } = tracked();
  tracker.startReceiverOf({});
  t.false(
    events.some((e) => e.type === 'receiverStarted'),
    'an input that is not a receiver stream starts nothing',
  );
  tracker.startReceiverOf(input);
  t.false(tracker.hasUnallocatedBlocks);
  await receiver.store(['a', 'b']);
  t.true(tracker.hasUnallocatedBlocks);
  t.deepEqual(await input.getOrCompute(1000), ['a', 'b']);
  t.false(tracker.hasUnallocatedBlocks);
  await receiver.store(['c']);
  await input.stop();
  await tracker.close();
  const lost = events.find((e) => e.type === 'receiverError');
  t.regex(lost?.type === 'receiverError' ? lost.message : '', /1 received records are in no batch/);
});

test('the write-ahead log is read back: what a stopped run stored and no batch took is in the next first batch', async (t) => {
  const dir = await tempDir(t);
  const settings = { option: true, checkpointDir: dir, checkpointInterval: undefined } as const;
  const first = tracked();
  await first.tracker.openLogs(settings, undefined);
  first.tracker.startReceiverOf(first.input);
  await first.receiver.store(['a', 'b']);
  await first.input.stop();
  await first.tracker.close();

  const second = tracked();
  await second.tracker.openLogs(settings, undefined);
  t.true(
    second.tracker.hasUnallocatedBlocks,
    'the logged blocks wait for a batch before the receiver starts',
  );
  t.deepEqual(await second.input.getOrCompute(1000), ['a', 'b']);
  await second.tracker.close();
});

test('without the writeAheadLog option no log is opened; with it, checkpointDir is needed', async (t) => {
  const { tracker } = tracked();
  await tracker.openLogs(
    { option: undefined, checkpointDir: undefined, checkpointInterval: undefined },
    undefined,
  );
  await tracker.openLogs(
    { option: false, checkpointDir: undefined, checkpointInterval: undefined },
    undefined,
  );
  await t.throwsAsync(
    tracker.openLogs(
      { option: { fsync: 'never' }, checkpointDir: undefined, checkpointInterval: undefined },
      undefined,
    ),
    { instanceOf: ConfigurationError, message: /writeAheadLog needs checkpointDir/ },
  );
});
