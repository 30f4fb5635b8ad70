/**
 * What the parallel-stage tests share: the worker task module, the pools every case runs under,
 * and a runner that feeds queued batches through a stage on a ManualClock.
 */
import { firstValueFrom, toArray } from 'rxjs';
import {
  ManualClock,
  StreamingContext,
  workerTask,
  type DeadLetter,
  type DStream,
  type WorkersOption,
  type WorkerTask,
  type WorkerTaskKind,
} from '../../../../lib/index.js';
import type * as tasks from './parallel-tasks.js';

export const MODULE = new URL('./parallel-tasks.ts', import.meta.url);
export const task = <T, U>(name: keyof typeof tasks, kind?: WorkerTaskKind): WorkerTask<T, U> =>
  workerTask<T, U>(MODULE, name, kind ? { kind } : {});

/** The pools every case runs under: none (inline), 1 or 2 threads, with and without the main thread. */
export const POOLS: readonly { readonly label: string; readonly workers: WorkersOption | undefined }[] = [
  { label: 'inline', workers: undefined },
  { label: '1 thread + main', workers: { threads: 1 } },
  { label: '2 threads + main', workers: 2 },
  { label: '2 threads, main idle', workers: { threads: 2, mainThread: false } },
];

export interface Run<U> {
  readonly out: U[][];
  readonly times: number[];
  readonly completed: number[];
  readonly dead: DeadLetter[];
  readonly failure: unknown;
  readonly ssc: StreamingContext;
}

/** Runs `build` over `input` (one queued batch per batch time) on a ManualClock, then stops. */
export async function run<T, U>(
  input: T[][],
  workers: WorkersOption | undefined,
  build: (s: DStream<T>) => DStream<U>,
  options: { readonly deadLetters?: boolean; readonly onStarted?: (ssc: StreamingContext) => void } = {},
): Promise<Run<U>> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    name: 'parallel-test',
    ...(workers === undefined ? {} : { workers }),
  });
  const out: U[][] = [];
  const times: number[] = [];
  const dead: DeadLetter[] = [];
  const stream = build(ssc.queueStream(input.map((b) => [...b])));
  stream.foreachBatch((records, time) => {
    out.push([...records]);
    times.push(time);
  });
  if (options.deadLetters) stream.deadLetters().foreachBatch((letters) => void dead.push(...letters));
  const events = firstValueFrom(ssc.events.pipe(toArray()));
  await ssc.start();
  options.onStarted?.(ssc);
  await clock.advance(input.length * 1000);
  await ssc.stop();
  const failure = await ssc.awaitTermination().then(
    () => undefined,
    (error: unknown) => error,
  );
  const completed = (await events).flatMap((e) => (e.type === 'batchCompleted' ? [e.batchTime] : []));
  return { out, times, completed, dead, failure, ssc };
}

export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
