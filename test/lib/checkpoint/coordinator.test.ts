import test from 'ava';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { ConfigurationError, ManualClock, type StreamingEvent } from '../../../lib/index.js';
import { CheckpointCoordinator } from '../../../lib/checkpoint/coordinator.js';
import { SourceInputNode } from '../../../lib/dstream/inputs/source-stream.js';
import { DStreamGraph } from '../../../lib/graph.js';
import { CountingSource } from '../../helpers/counting-source.js';

/** A counting source whose commits the test settles, one by one. */
class Committing extends CountingSource {
  readonly commits: { time: number; settle: (error?: Error) => void }[] = [];
  commit(time: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.commits.push({ time, settle: (error) => (error ? reject(error) : resolve()) });
    });
  }
}

function coordinated(options: { checkpointDir?: string } = {}) {
  const clock = new ManualClock();
  const events = new Subject<StreamingEvent>();
  const seen: StreamingEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const errors: string[] = [];
  const logger = { info: () => undefined, warn: () => undefined, error: (m: string) => errors.push(m) };
  const graph = new DStreamGraph(1000, 'coordinator-test');
  const source = new Committing('numbers', 2);
  const input = new SourceInputNode<number>(graph, source);
  const coordinator = new CheckpointCoordinator(options, { graph, clock, events, logger });
  return { coordinator, graph, source, input, events: seen, errors };
}

test('checkpoint options are checked when the coordinator is built', (t) => {
  const graph = new DStreamGraph(1000, 'options');
  const scope = { graph, clock: new ManualClock(), events: new Subject<StreamingEvent>(), logger: console };
  t.throws(() => new CheckpointCoordinator({ checkpointDir: 'a', checkpointStore: {} as never }, scope), {
    instanceOf: ConfigurationError,
    message: 'give either checkpointDir or checkpointStore, not both',
  });
  t.throws(() => new CheckpointCoordinator({ checkpointInterval: 2500 }, scope), {
    instanceOf: ConfigurationError,
    message: /checkpointInterval 2500 ms is not a multiple of the batch interval 1000 ms/,
  });
  const none = new CheckpointCoordinator({}, scope);
  t.is(none.store, undefined);
  t.is(none.interval, undefined);
});

test('a completed batch is committed to every batch source; a stop waits for the commits under way', async (t) => {
  const { coordinator, source, input, events, errors } = coordinated();
  coordinator.start(0, [{ streamId: 3, input: input as SourceInputNode<unknown> }]);
  coordinator.batchCompleted(1000);
  coordinator.batchCompleted(2000);
  t.deepEqual(
    source.commits.map((c) => c.time),
    [1000, 2000],
  );
  let settled = false;
  const waiting = coordinator.commitsSettled().then(() => (settled = true));
  source.commits[0]?.settle();
  await new Promise((resolve) => setImmediate(resolve));
  t.false(settled, 'one commit is still under way');
  source.commits[1]?.settle(new Error('broker gone'));
  await waiting;
  const failed = events.find((e) => e.type === 'receiverError');
  t.like(failed, { type: 'receiverError', receiver: 'numbers', streamId: 3 });
  t.regex(
    failed?.type === 'receiverError' ? failed.message : '',
    /could not commit the batch of time 2000: broker gone/,
  );
  t.deepEqual(errors, ["source 'numbers': could not commit the batch of time 2000: broker gone"]);
});

test('resume refuses a context that writes its checkpoints nowhere, or somewhere else', async (t) => {
  const nowhere = coordinated();
  await t.throwsAsync(nowhere.coordinator.resume('/ckpt', undefined, {}), {
    instanceOf: ConfigurationError,
    message:
      "getOrCreate('/ckpt'): the context that build() returned writes its checkpoints nowhere; give it checkpointDir: '/ckpt'",
  });
  const elsewhere = coordinated({ checkpointDir: '/other' });
  await t.throwsAsync(elsewhere.coordinator.resume('/ckpt', '/other', {}), {
    instanceOf: ConfigurationError,
    message: /writes its checkpoints to .*other.*; give it checkpointDir: '\/ckpt'/,
  });
});

test('the start of a job is checkpointed before its first batch, and each batch plan goes to the batch log', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'kindling-coordinator-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const { coordinator, graph, events } = coordinated({ checkpointDir: dir });
  t.is(coordinator.interval, 1000);
  t.is(graph.batchLog, undefined);
  await coordinator.writeStart(0);
  t.like(
    events.find((e) => e.type === 'checkpointWritten'),
    { batchTime: 0 },
  );
  t.true((await readdir(dir)).length > 0);
  t.not(graph.batchLog, undefined);
});
