/**
 * Runs a graph on a ManualClock and collects, per batch, a stream's output, its dead letters
 * and `batchCompleted.deadLetters`, for the dead-letter tests.
 */
import {
  ManualClock,
  StreamingContext,
  type DeadLetter,
  type DStream,
  type KindlingError,
} from '../../../../lib/index.js';

/** What a run collected, one entry per batch. */
export interface DeadLetterRun<U> {
  readonly out: U[][];
  readonly dead: DeadLetter[][];
  /** `batchCompleted.deadLetters` of each batch. */
  readonly counted: number[];
  /** The error the context stopped with, if any. */
  readonly failure: KindlingError | undefined;
}

/**
 * Builds `graph` over a queue stream of `input` (one inner array per batch), adds an output on
 * what it returns and on that stream's dead letters (added second unless `deadLettersFirst`),
 * and runs `batches` batches (default: as many as the input has).
 */
export async function runWithDeadLetters<T, U>(
  input: T[][],
  graph: (stream: DStream<T>, ssc: StreamingContext) => DStream<U>,
  options: { batches?: number; deadLettersFirst?: boolean } = {},
): Promise<DeadLetterRun<U>> {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'dead-letters-test' });
  const out: U[][] = [];
  const dead: DeadLetter[][] = [];
  const counted: number[] = [];
  ssc.events.subscribe((e) => {
    if (e.type === 'batchCompleted') counted.push(e.deadLetters);
  });
  const stream = graph(ssc.queueStream(input.map((batch) => [...batch])), ssc);
  const addOut = (): void => stream.foreachBatch((records) => void out.push([...records]));
  const addDead = (): void => stream.deadLetters().foreachBatch((letters) => void dead.push([...letters]));
  if (options.deadLettersFirst) {
    addDead();
    addOut();
  } else {
    addOut();
    addDead();
  }
  await ssc.start();
  await clock.advance((options.batches ?? input.length) * 1000);
  await ssc.stop();
  let failure: KindlingError | undefined;
  await ssc.awaitTermination().catch((error: KindlingError) => (failure = error));
  return { out, dead, counted, failure };
}

/** A dead letter in short form: `record @batchTime by operator: message`. */
export function brief(letter: DeadLetter): string {
  return `${JSON.stringify(letter.record)} @${letter.batchTime} by ${letter.operator}: ${letter.error.message}`;
}

/** Parses a number, throwing on anything else. */
export function strictNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) throw new Error(`not a number: ${text}`);
  return n;
}
