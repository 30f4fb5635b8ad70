/**
 * `kindling replay <file>`: serves a file of v1.1 tweets as Twitter's streaming endpoints do (see
 * `startReplayServer`), prints the stream's URL on the first line of stdout, and runs until
 * Ctrl-C (SIGINT) or SIGTERM. The `kindling` program that holds this command is `bin/kindling.ts`.
 *
 * @example
 * kindling replay examples/tweets/data/sanders_tweets.jsonl --rate 50
 * # http://127.0.0.1:40123/2/tweets/search/stream
 * TWITTER_BEARER_TOKEN=dev kindling replay tweets.jsonl --speedup 600 --port 8080 --require-token
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { startReplayServer, type ReplayServer } from './replay/server.js';
import type { TweetFormat } from './tweet.js';

/** What the CLI reads and writes; a parameter so tests and embedders can give their own. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Resolves when the server should stop (the CLI waits for SIGINT or SIGTERM). */
  readonly stopped: () => Promise<string>;
}

/** The options of `kindling replay`, as commander parses them. */
interface ReplayFlags {
  readonly rate?: number;
  readonly speedup?: number;
  readonly port: number;
  readonly host: string;
  readonly format: TweetFormat;
  readonly loop?: boolean;
  readonly requireToken?: boolean;
}

/** A commander parser of `flag`'s value: a number > 0, or an error naming the flag. */
export function positive(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError(`${flag} must be a number > 0.`);
    return n;
  };
}

/** A commander parser of a port: a whole number from 0 (any free port) to 65535. */
export function port(value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 0 && n <= 65535)) {
    throw new InvalidArgumentError('the port must be a whole number from 0 to 65535 (0: any free port).');
  }
  return n;
}

/**
 * The `replay` command, to add to a `kindling` program.
 *
 * @example
 * new Command('kindling').addCommand(replayCommand(io)).parseAsync(process.argv);
 */
export function replayCommand(io: CliIo): Command {
  return new Command('replay')
    .description("serve a file of v1.1 tweets (one JSON object per line) as Twitter's streaming API does")
    .argument('<file>', 'the tweets, e.g. examples/tweets/data/sanders_tweets.jsonl')
    .addOption(
      new Option('--rate <n>', 'tweets per second').argParser(positive('--rate')).conflicts('speedup'),
    )
    .addOption(
      new Option('--speedup <n>', "the tweets' own timing (created_at), n times faster").argParser(
        positive('--speedup'),
      ),
    )
    .option('--port <n>', 'the port (0: any free port)', port, 0)
    .option('--host <h>', 'the address to listen on', '127.0.0.1')
    .addOption(
      new Option('--format <f>', 'the endpoint whose URL is printed (both are served)')
        .choices(['v2', 'v1.1'])
        .default('v2'),
    )
    .option('--loop', 'start again after the last tweet (default: end the responses)')
    .option('--require-token', 'refuse requests without Authorization: Bearer $TWITTER_BEARER_TOKEN')
    .action(async (file: string, flags: ReplayFlags) => {
      const token = io.env['TWITTER_BEARER_TOKEN'];
      if (flags.requireToken && (token === undefined || token === '')) {
        throw new InvalidArgumentError('--require-token needs TWITTER_BEARER_TOKEN in the environment.');
      }
      const server: ReplayServer = await startReplayServer({
        file,
        host: flags.host,
        port: flags.port,
        format: flags.format,
        loop: flags.loop ?? false,
        ...(flags.rate === undefined ? {} : { rate: flags.rate }),
        ...(flags.speedup === undefined ? {} : { speedup: flags.speedup }),
        ...(flags.requireToken && token !== undefined ? { bearerToken: token } : {}),
      });
      io.out(server.url);
      const pace =
        flags.rate !== undefined
          ? `${flags.rate} tweets/s`
          : flags.speedup !== undefined
            ? `${flags.speedup}x the original pace`
            : 'as fast as clients read';
      io.err(
        `replaying ${file} (${pace}${flags.loop ? ', looping' : ''}); v2: ${server.urls.v2}, v1.1: ${server.urls['v1.1']}. Ctrl-C stops.`,
      );
      const signal = await io.stopped();
      await server.close();
      io.err(`${signal}: stopped after ${server.sent} lines`);
    });
}

/** The process's environment, stdout and stderr, and its SIGINT and SIGTERM. */
export function processIo(): CliIo {
  return {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stopped: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      }),
  };
}
