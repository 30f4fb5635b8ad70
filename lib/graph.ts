/**
 * The DStream graph of one context: its inputs and output operations, node names, and the rules
 * checked at start. It says *what* each batch time runs; the job generator says *when*.
 */
import { formatDuration } from './duration.js';
import { ConfigurationError, IllegalStateError } from './errors.js';
import { DeadLetterLedger } from './dstream/dead-letters/dead-letters.js';
import { InputNode } from './dstream/inputs/input.js';
import { PlannedInputNode } from './dstream/inputs/planned-input.js';
import type { BatchLog } from './checkpoint/batch-plans.js';
import type { GraphScope, Node } from './dstream/node.js';
import type { OutputNode } from './dstream/output-operations/output.js';

/** One output operation's work for one batch time. */
export interface Job {
  readonly outputOperation: number;
  readonly operator: string;
  run(): Promise<void>;
}

/** Every job of one batch time, with the number of input records of that batch. */
export interface JobSet {
  readonly time: number;
  readonly records: number;
  readonly jobs: readonly Job[];
  /** Counts the dead letters of batch times up to this one not counted yet (for `batchCompleted`). */
  readonly countDeadLetters?: () => number;
  /**
   * Starts the batch's parallel stages that may run ahead of the batches before it (the worker
   * pool's `lookahead`); resolves when they have settled. Absent when the graph has none.
   */
  readonly runAhead?: () => Promise<void>;
}

/** One context's graph: inputs, outputs, unique names, validation at start, jobs per batch time. */
export class DStreamGraph implements GraphScope {
  readonly inputs: InputNode<unknown>[] = [];
  readonly outputs: OutputNode<unknown>[] = [];
  /** Counts dead letters per batch and lets their logs forget them. */
  readonly deadLetters = new DeadLetterLedger();
  private readonly names = new Map<string, Node<unknown> | undefined>();
  private ids = 0;
  private building = true;
  private extraRemember = 0;
  /** Parallel stages a queued batch may start early (set at start; see `JobSet.runAhead`). */
  private aheadStages: readonly Node<unknown>[] = [];
  /** Where each batch's plans go before its outputs run (set by a context with a checkpoint store). */
  batchLog: BatchLog | undefined;

  constructor(
    readonly batchInterval: number,
    readonly contextName: string,
  ) {}

  nextNodeId(): number {
    return this.ids++;
  }

  defaultName(kind: string, parent: Node<unknown> | undefined): string {
    const base = parent ? `${parent.name}/${kind}` : kind;
    let name = base;
    for (let n = 2; this.names.has(name); n++) name = `${base}#${n}`;
    this.names.set(name, undefined);
    return name;
  }

  /** Gives `node` the name a user chose; names are unique within a graph. */
  rename(node: Node<unknown>, name: string): void {
    if (name === node.name) return;
    if (!name) throw new ConfigurationError(`an operator name must not be empty (renaming '${node.name}')`);
    if (this.names.has(name)) {
      throw new ConfigurationError(
        `operator name '${name}' is already used in context '${this.contextName}'; give each operator a unique name`,
      );
    }
    this.names.delete(node.name);
    this.names.set(name, node);
  }

  assertBuilding(kind: string): void {
    if (!this.building) {
      throw new IllegalStateError(
        `cannot add '${kind}' to context '${this.contextName}' after it has started; ` +
          'build every input, operator and output before start()',
      );
    }
  }

  /** Keeps every stream's batches for at least `duration` ms (for `slice` from outside a batch). */
  remember(duration: number): void {
    this.extraRemember = Math.max(this.extraRemember, duration);
  }

  addInput(node: InputNode<unknown>): void {
    this.inputs.push(node);
  }

  addOutput(node: OutputNode<unknown>): void {
    this.outputs.push(node);
  }

  /** Validates the graph and fixes every node's zero time and remember duration. */
  start(zeroTime: number): void {
    if (this.outputs.length === 0) {
      throw new ConfigurationError(
        `context '${this.contextName}' has no output operation, so nothing would run; ` +
          'add one with foreachBatch(), print() or saveAsTextFiles() before start()',
      );
    }
    if (!(this.batchInterval > 0)) {
      throw new ConfigurationError(
        `batch interval ${formatDuration(this.batchInterval)} must be a positive number of ms`,
      );
    }
    for (const node of this.allNodes()) node.validate();
    this.building = false;
    for (const node of [...this.outputs, ...this.inputs]) node.initialize(zeroTime);
    for (const node of [...this.outputs, ...this.inputs]) node.remember(this.extraRemember);
    this.deadLetters.start(this.allNodes(), this.batchInterval);
  }

  /**
   * Materialises every input for `time` and returns the output jobs due then. The inputs that
   * plan their batches plan first, and their plans are in the batch log before any input is read
   * (so before any output can run).
   */
  async generateJobs(time: number): Promise<JobSet> {
    await this.planInputs(time);
    const batches = await Promise.all(this.inputs.map((input) => input.getOrCompute(time)));
    const records = batches.reduce((sum, batch) => sum + (batch?.length ?? 0), 0);
    const jobs: Job[] = [];
    this.outputs.forEach((output, index) => {
      const run = output.job(time);
      if (run) jobs.push({ outputOperation: index, operator: output.name, run });
    });
    const ahead = this.aheadStages;
    return {
      time,
      records,
      jobs,
      countDeadLetters: () => this.deadLetters.count(time),
      ...(ahead.length > 0 && {
        runAhead: async () => {
          await Promise.allSettled(ahead.map(async (stage) => stage.getOrCompute(time)));
        },
      }),
    };
  }

  /** Plans the batch at `time` of every input that plans, and writes the plans to the batch log. */
  private async planInputs(time: number): Promise<void> {
    const planned = await Promise.all(
      this.inputs.map((input) => (input instanceof PlannedInputNode ? input.planBatch(time) : undefined)),
    );
    const plans: [string, unknown][] = [];
    let fresh = false;
    planned.forEach((batch, i) => {
      if (!batch) return;
      plans.push([(this.inputs[i] as InputNode<unknown>).name, batch.plan]);
      fresh ||= !batch.replayed;
    });
    // Replayed plans are in the log already, as they were written.
    if (fresh && this.batchLog) await this.batchLog.write(time, plans);
  }

  /** Sets the parallel stages that queued batches may start early (none by default). */
  runStagesAhead(stages: readonly Node<unknown>[]): void {
    this.aheadStages = stages;
  }

  /**
   * The step, ms, at which every output over state (a stateful operator or incremental window
   * upstream) has run: the least common multiple of their slides (the batch interval when there
   * is none). Only after such a batch has every stateful operator computed its batches up to
   * then, so only then is a checkpoint whole: one taken between would miss a batch an output
   * with a longer slide computes later, which a restart could not compute any more.
   */
  checkpointAlignment(): number {
    let step = this.batchInterval;
    for (const output of this.outputs) {
      if (hasStateUpstream(output)) step = lcm(step, output.slideDuration);
    }
    return step;
  }

  /**
   * Forgets the failed batches up to `time` (but the inputs'), once the batch at `time` has
   * failed, so that a later batch that reads one computes it again (see `Node.forgetFailed`).
   */
  forgetFailed(time: number): void {
    for (const node of this.allNodes()) node.forgetFailed(time);
  }

  /** Forgets batches no longer needed once the batch at `time` is done. */
  clearMetadata(time: number): void {
    for (const node of [...this.outputs, ...this.inputs]) node.clearMetadata(time);
    this.deadLetters.clear(time);
  }

  /**
   * Every node reachable from an output or input, each once, parents before children (so that
   * `validate()` reports the first wrong node, not a child that inherited its slide).
   */
  allNodes(): Node<unknown>[] {
    const seen = new Set<Node<unknown>>();
    const ordered: Node<unknown>[] = [];
    const visit = (node: Node<unknown>): void => {
      if (seen.has(node)) return;
      seen.add(node);
      node.dependencies.forEach(visit);
      ordered.push(node);
    };
    [...this.outputs, ...this.inputs].forEach(visit);
    return ordered;
  }
}

function hasStateUpstream(node: Node<unknown>, seen = new Set<Node<unknown>>()): boolean {
  if (seen.has(node)) return false;
  seen.add(node);
  if (node.mustCheckpoint && !(node instanceof InputNode)) return true;
  return node.dependencies.some((parent) => hasStateUpstream(parent, seen));
}

function lcm(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
}
