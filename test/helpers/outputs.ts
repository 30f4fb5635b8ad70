/**
 * Helpers for tests of outputs in a job: write batches through an output on a ManualClock, stop
 * the context, and see that the stop closed the output (and that its close failed nowhere).
 */
import {
  ManualClock,
  StreamingContext,
  type DStream,
  type OutputLifecycle,
  type StreamingEvent,
} from '../../lib/index.js';
import { uniqueName } from './servers.js';

/** What {@link runOutputJob} saw. */
export interface OutputJobRun {
  /** How many times `ssc.stop()` (or anyone) called the output's close. */
  readonly closes: number;
  /** The `connectorError`s of the job (a close that failed is one). */
  readonly connectorErrors: readonly StreamingEvent[];
  /** The errors of failed batches. */
  readonly batchErrors: readonly Error[];
}

/**
 * Runs a job that writes `batches`, one per batch time, through the output that `add` puts on the
 * stream (a copy of each batch: a queue stream takes its batches off the array); advances a
 * ManualClock past them, stops the context gracefully, and counts the closes of the output (none
 * by the test).
 *
 * @example
 * const run = await runOutputJob('mqtt', [['a'], ['b']], (s) => mqttOutput(s, { url, topic }));
 * t.is(run.closes, 1);
 */
export async function runOutputJob<T>(
  name: string,
  batches: T[][],
  add: (stream: DStream<T>) => OutputLifecycle,
): Promise<OutputJobRun> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: uniqueName(`${name}-output-job`) });
  const connectorErrors: StreamingEvent[] = [];
  const batchErrors: Error[] = [];
  ssc.events.subscribe((event) => {
    if (event.type === 'connectorError') connectorErrors.push(event);
    if (event.type === 'batchCompleted' && event.error) batchErrors.push(event.error);
  });
  const output = add(ssc.queueStream(batches.map((batch) => [...batch])));
  let closes = 0;
  const close = output.close.bind(output);
  Object.assign(output, {
    close: async () => {
      closes++;
      await close();
    },
  });
  await ssc.start();
  await clock.advance(batches.length * 1000);
  await ssc.stop({ graceful: true });
  await ssc.awaitTermination().catch(() => undefined); // a failed batch is in batchErrors
  return { closes, connectorErrors, batchErrors };
}
