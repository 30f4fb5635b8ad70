/**
 * What each real test server provides to `scripts/servers.ts`: how to install it (pinned,
 * cached under `.cache/servers/`), start it on 127.0.0.1, tell when it is ready, and stop it.
 * One file per server in this folder; `registry.ts` lists them.
 */
import type { ChildProcess } from 'node:child_process';

/** Where a server keeps its files, and helpers to run commands. */
export interface ServerContext {
  /** The repository's root. */
  readonly root: string;
  /** `.cache/servers`: downloads and builds shared by every server (git-ignored). */
  readonly cacheDir: string;
  /** `.cache/servers/data/<name>`: this server's data, wiped by `up` before a start. */
  readonly dataDir: string;
  /** `.cache/servers/logs/<name>.log`: where the server's output goes. */
  readonly logFile: string;
  /** The server's settings: its `env` defaults overridden by the environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Prints a progress line for a person. */
  log(message: string): void;
  /** Runs a command to completion (its output to the log file); rejects on a non-zero exit. */
  run(
    command: string,
    args: readonly string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv },
  ): Promise<void>;
  /** Starts a long-running process, detached, its output to the log file. */
  spawn(
    command: string,
    args: readonly string[],
    options?: { cwd?: string; env?: NodeJS.ProcessEnv },
  ): ChildProcess;
}

export interface ServerSpec {
  readonly name: string;
  /** Settings with their defaults, e.g. `{ KINDLING_KAFKA_PORT: '19092' }`; ports bind 127.0.0.1. */
  readonly env: Readonly<Record<string, string>>;
  /** How long `up` waits for `ready` before it gives up, ms. */
  readonly readyTimeoutMs: number;
  /** Installs what is missing; cheap when everything is there. */
  install(ctx: ServerContext): Promise<void>;
  /** Starts the server; returns the process to stop later (its whole process group is stopped). */
  start(ctx: ServerContext): Promise<ChildProcess>;
  /** True once the server answers (a TCP connect, a request); called until true or timeout. */
  ready(ctx: ServerContext): Promise<boolean>;
  /** Stops it when a signal to the process group is not enough (e.g. `rabbitmqctl stop`). */
  stop?(ctx: ServerContext): Promise<void>;
}
