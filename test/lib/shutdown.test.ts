import test from 'ava';
import { EventEmitter } from 'node:events';
import { ManualClock } from '../../lib/index.js';
import {
  onShutdownSignal,
  stopGracefullyOnSignals,
  stopInOrder,
  type ProcessHost,
  type RunningParts,
} from '../../lib/shutdown.js';

/** A stand-in for the process: signals are emitted by the test; exits are recorded, not made. */
class FakeProcess implements ProcessHost {
  readonly emitter = new EventEmitter();
  readonly exits: string[] = [];
  on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void {
    this.emitter.on(signal, handler);
  }
  off(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void {
    this.emitter.off(signal, handler);
  }
  exit(code: number): void {
    this.exits.push(`exit ${code}`);
  }
  exitSoon(code: number, graceMs: number): void {
    this.exits.push(`exit ${code} within ${graceMs} ms`);
  }
  send(signal: NodeJS.Signals): void {
    this.emitter.emit(signal, signal);
  }
}

test('the first SIGTERM or SIGINT calls back; a second exits at once with 130; removed handlers hear nothing', (t) => {
  const host = new FakeProcess();
  const heard: string[] = [];
  const remove = onShutdownSignal((signal) => heard.push(signal), host);
  host.send('SIGINT');
  t.deepEqual(heard, ['SIGINT']);
  t.deepEqual(host.exits, []);
  host.send('SIGTERM');
  t.deepEqual(heard, ['SIGINT'], 'the second signal is not a second stop');
  t.deepEqual(host.exits, ['exit 130']);
  remove();
  t.is(host.emitter.listenerCount('SIGTERM') + host.emitter.listenerCount('SIGINT'), 0);
});

for (const failed of [false, true]) {
  test(`a signal stops gracefully, says so, then lets the process end with ${failed ? 1 : 0}${failed ? ' after a failed batch' : ''}`, async (t) => {
    const host = new FakeProcess();
    const warnings: string[] = [];
    let stopped!: () => void;
    const stopping = new Promise<void>((resolve) => (stopped = resolve));
    const logger = { info: () => {}, warn: (m: string) => warnings.push(m), error: () => {} };
    stopGracefullyOnSignals({ logger, stopGracefully: () => stopping, failed: () => failed }, host);
    host.send('SIGTERM');
    t.deepEqual(warnings, ['SIGTERM received: stopping gracefully (a second SIGTERM exits at once)']);
    await Promise.resolve();
    t.deepEqual(host.exits, [], 'nothing ends before the graceful stop has');
    stopped();
    await stopping;
    await new Promise((resolve) => setImmediate(resolve));
    t.deepEqual(host.exits, [`exit ${failed ? 1 : 0} within 10000 ms`]);
  });
}

/** Parts of a started context that record, in order, what the stop does to them. */
function parts(clock: ManualClock, options: { unallocated?: number; failed?: boolean } = {}) {
  const log: string[] = [];
  let unallocated = options.unallocated ?? 0;
  let running = true;
  const stoppable = (name: string) => ({ stop: () => void log.push(`stop ${name}`) });
  const recorded: RunningParts = {
    clock,
    inputs: {
      stoppedFirst: [stoppable('queue'), stoppable('socket')],
      sources: [{ input: stoppable('kafka') }],
    },
    receivers: {
      get hasUnallocatedBlocks() {
        return unallocated > 0;
      },
      close: async () => void log.push('close receivers'),
    },
    generator: {
      get running() {
        return running;
      },
      firstBatchTime: () => (Math.floor(clock.now() / 1000) + 1) * 1000,
      generated: async () => {
        log.push(`batch ${clock.now()}`);
        unallocated--;
      },
      stop: async () => {
        running = false;
        log.push('stop generator');
      },
    },
    scheduler: {
      dropQueued: () => void log.push('drop queued'),
      whenIdle: async () => void log.push('batches done'),
      close: () => void log.push('close scheduler'),
    },
    checkpoints: {
      commitsSettled: async () => void log.push('commits settled'),
      flush: async (last) => void log.push(last ? 'last checkpoint' : 'checkpoint writes done'),
    },
    workers: { close: async () => void log.push('close workers') },
    outputs: { close: async () => void log.push('close outputs') },
    failed: () => options.failed ?? false,
  };
  return { log, parts: recorded };
}

test('a graceful stop stops the inputs, makes batches of what receivers hold, then stops the rest in order', async (t) => {
  const clock = new ManualClock(500);
  const { log, parts: p } = parts(clock, { unallocated: 2 });
  const stopping = stopInOrder(p, true);
  await clock.advance(2000);
  await stopping;
  t.deepEqual(log, [
    'stop queue',
    'stop socket',
    'batch 1000',
    'batch 2000',
    'stop generator',
    'batches done',
    'commits settled',
    'stop kafka',
    'last checkpoint',
    'close outputs',
    'close receivers',
    'close workers',
    'close scheduler',
  ]);
});

test('a stop that is not graceful drops the queued batches and writes no last checkpoint', async (t) => {
  const clock = new ManualClock();
  const { log, parts: p } = parts(clock, { unallocated: 2 });
  await stopInOrder(p, false);
  t.deepEqual(log, [
    'stop queue',
    'stop socket',
    'drop queued',
    'stop generator',
    'batches done',
    'commits settled',
    'stop kafka',
    'checkpoint writes done',
    'close outputs',
    'close receivers',
    'close workers',
    'close scheduler',
  ]);
});

test('a graceful stop after a failed batch neither drains the receivers nor writes a last checkpoint', async (t) => {
  const clock = new ManualClock();
  const { log, parts: p } = parts(clock, { unallocated: 2, failed: true });
  await stopInOrder(p, true);
  t.false(log.some((line) => line.startsWith('batch ')));
  t.true(log.includes('checkpoint writes done'));
  t.false(log.includes('last checkpoint'));
});
