/**
 * The word-count demo that `npm start` runs: a local TCP server sends the lines of a public-domain
 * text at a steady rate, and a Kindling job counts the words of every 1 s batch read with
 * `socketTextStream`, printing each batch's top 10 words and its timings.
 *
 *   npm start                       # runs until Ctrl-C
 *   npm start -- --duration 10      # stops after 10 s
 *   npx tsx examples/wordcount/main.ts --help
 */
import { parseArgs } from 'node:util';
import { StreamingContext, describeError, seconds, type EventOf } from '../../lib/index.js';
import { startLineServer } from './line-server.js';
import { loadLines, topWords, words } from './text.js';
import { stopGracefullyOn } from '../graceful-stop.js';

const USAGE = `Usage: npx tsx examples/wordcount/main.ts [options]

Counts the words of a text streamed over a local TCP socket, in 1 s batches.

Options:
  --duration <seconds>  stop gracefully after this many seconds (default: run until Ctrl-C)
  --rate <lines/s>      how many lines per second the local server sends (default: 200)
  --top <n>             how many words to print per batch (default: 10)
  -h, --help            print this help and exit
`;

interface DemoOptions {
  readonly duration: number | undefined;
  readonly rate: number;
  readonly top: number;
}

function parseOptions(argv: string[]): DemoOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      rate: { type: 'string', default: '200' },
      top: { type: 'string', default: '10' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const positive = (name: string, text: string): number => {
    const n = Number(text);
    if (!(n > 0) || !Number.isFinite(n))
      throw new RangeError(`--${name} must be a positive number, got '${text}'`);
    return n;
  };
  return {
    duration: values.duration === undefined ? undefined : positive('duration', values.duration),
    rate: positive('rate', values.rate),
    top: Math.floor(positive('top', values.top)),
  };
}

function timingsLine(event: EventOf<'batchCompleted'>): string {
  const status = event.error ? `  FAILED: ${event.error.message}` : '';
  return (
    `  timings: lines=${event.records} scheduling=${event.schedulingDelay}ms ` +
    `processing=${event.processingDelay}ms total=${event.totalDelay}ms${status}`
  );
}

async function main(options: DemoOptions): Promise<number> {
  const server = await startLineServer(loadLines(), options.rate);
  const ssc = new StreamingContext({ batchInterval: seconds(1), name: 'wordcount' });

  const counts = ssc
    .socketTextStream('127.0.0.1', server.port)
    .flatMap(words)
    .map((word): [string, number] => [word, 1])
    .reduceByKey((a, b) => a + b);

  counts.foreachBatch((pairs, time) => {
    const total = pairs.reduce((sum, [, n]) => sum + n, 0);
    const out = [`batch ${new Date(time).toISOString()}  words=${total} distinct=${pairs.length}`];
    for (const [word, n] of topWords(pairs, options.top)) out.push(`  ${word.padEnd(16)} ${n}`);
    if (pairs.length === 0) out.push('  (no words in this batch)');
    console.log(out.join('\n'));
  });
  ssc.events.subscribe((event) => {
    if (event.type === 'batchCompleted') console.log(timingsLine(event));
  });

  const release = stopGracefullyOn(
    ssc,
    options.duration === undefined ? undefined : seconds(options.duration),
  );

  console.log(`wordcount: reading lines from 127.0.0.1:${server.port} in 1 s batches; Ctrl-C stops`);
  await ssc.start();
  try {
    await ssc.awaitTermination();
    console.log('stopped');
    return 0;
  } catch (error) {
    console.error('wordcount failed:', error);
    return 1;
  } finally {
    release();
    await server.close();
  }
}

let parsed: DemoOptions | 'help';
try {
  parsed = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${describeError(error)}\n\n${USAGE}`);
  process.exit(2);
}
if (parsed === 'help') {
  process.stdout.write(USAGE);
} else {
  process.exitCode = await main(parsed);
}
