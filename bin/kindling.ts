#!/usr/bin/env node
/**
 * The `kindling` command of the installed package (compiled to `dist/bin/kindling.js`; in the
 * repository `npm run kindling -- ...` runs this file through tsx):
 *
 * - `kindling replay <file>`: serves a file of tweets as Twitter's streaming API does
 *   (`receivers/twitter/cli.ts`);
 * - `kindling demo`: the tweet showcase that `npm start` runs (`examples/tweets/main.ts`), on the
 *   sample of tweets and users shipped with the package (`examples/tweets/sample/`).
 *
 * @example
 * npx kindling demo --duration 30 --port 4041
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { describeError } from '../lib/index.js';
import { port, positive, processIo, replayCommand, type CliIo } from '../receivers/twitter/cli.js';
import { installCommand } from '../systems/optional.js';

/** The flags of `kindling demo`, as commander parses them. */
interface DemoFlags {
  readonly duration?: number;
  readonly port: number;
  readonly dashboard: boolean;
}

const sample = (name: string): string =>
  fileURLToPath(new URL(`../examples/tweets/sample/${name}`, import.meta.url));

/** Whether `name` resolves from here (an optional peer dependency the user may not have installed). */
function installed(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * The `demo` command: the showcase on the bundled sample, with windows short enough to report
 * within seconds (10 s, sliding every 2 s). The showcase and its connectors load only when it runs.
 */
function demoCommand(): Command {
  return new Command('demo')
    .description(
      'the tweet showcase on a bundled sample: tweets replayed from a local server, joined with their authors, scored for sentiment, summed per window, with a live dashboard',
    )
    .option(
      '--duration <seconds>',
      'stop gracefully after this many seconds (default: until Ctrl-C)',
      positive('--duration'),
    )
    .option('--port <port>', 'the dashboard port on 127.0.0.1 (0: any free port)', port, 4040)
    .option('--no-dashboard', 'do not serve the dashboard')
    .action(async (flags: DemoFlags) => {
      if (!installed('natural')) {
        // Said before anything starts, rather than as the first batch's failure.
        console.error(
          `kindling demo scores sentiment with the package 'natural', which is not installed: install it with \`${installCommand('natural')}\``,
        );
        process.exitCode = 2;
        return;
      }
      const sql = installed('@duckdb/node-api');
      if (!sql) {
        console.error(
          `kindling demo: the SQL report (top locations per topic) needs the package '@duckdb/node-api', which is not installed: install it with \`${installCommand('@duckdb/node-api')}\`; running without it`,
        );
      }
      const { main } = await import('../examples/tweets/main.js');
      process.exitCode = await main({
        ...(flags.duration === undefined ? {} : { duration: flags.duration }),
        tweets: sample('tweets.jsonl'),
        users: sample('users.jsonl'),
        rate: 50,
        dashboard: flags.dashboard,
        port: flags.port,
        window: 10,
        slide: 2,
        top: 5,
        progress: false,
        sql,
      });
    });
}

/**
 * Runs `kindling` with `argv` (as `process.argv`); resolves when the command has finished.
 *
 * @example
 * await main(['node', 'kindling', 'replay', 'tweets.jsonl', '--rate', '10']);
 */
async function main(argv: readonly string[], io: CliIo = processIo()): Promise<void> {
  const program = new Command('kindling')
    .description('Kindling command-line tools')
    .showHelpAfterError()
    .addCommand(replayCommand(io))
    .addCommand(demoCommand());
  await program.parseAsync([...argv]);
}

main(process.argv).catch((error: unknown) => {
  process.stderr.write(`kindling: ${describeError(error)}\n`);
  process.exitCode = 1;
});
