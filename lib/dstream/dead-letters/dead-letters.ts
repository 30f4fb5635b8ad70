/**
 * Dead-letter streams and counts. Every operator that rejects records writes them to its own
 * {@link DeadLetterLog}, by batch time; `stream.deadLetters()` reads the logs of a stream's
 * lineage, `ssc.deadLetters()` those of the whole graph, and the graph's {@link DeadLetterLedger}
 * counts them for `batchCompleted.deadLetters`.
 */
import type { DeadLetter, DeadLetterGroup, DeadLetterLog, DeadLetterOrigin } from './dead-letter-log.js';
import { FileInputNode } from '../inputs/file-input.js';
import { Node } from '../node.js';
import { ReceiverInputNode } from '../inputs/receiver-stream.js';
import { SourceInputNode } from '../inputs/source-stream.js';

/** Every node `node` reads from, itself included, each once, parents before children. */
function lineage(node: Node<unknown>): Node<unknown>[] {
  const seen = new Set<Node<unknown>>();
  const ordered: Node<unknown>[] = [];
  const visit = (n: Node<unknown>): void => {
    if (seen.has(n)) return;
    seen.add(n);
    n.dependencies.forEach(visit);
    ordered.push(n);
  };
  visit(node);
  return ordered;
}

/** The dead-letter logs of `nodes`, each once, in order. */
function logsOf(nodes: readonly Node<unknown>[]): DeadLetterLog[] {
  const logs = new Set<DeadLetterLog>();
  for (const node of nodes) for (const log of node.deadLetterLogs()) logs.add(log);
  return [...logs];
}

/** What an input reads from, for a dead letter's origin: `socket 127.0.0.1:9999`, `directory /in`. */
function sourceOf(input: Node<unknown>): string | undefined {
  if (input instanceof ReceiverInputNode) return (input as ReceiverInputNode<unknown>).receiver.name;
  if (input instanceof FileInputNode) return `directory ${input.directory}`;
  return undefined;
}

/** The origin of records that reach `node`: the inputs of its lineage (see {@link DeadLetterOrigin}). */
export function lineageOrigin(node: Node<unknown>): DeadLetterOrigin {
  const inputs = lineage(node).filter((n) => n.dependencies.length === 0);
  const only = inputs.length === 1 ? inputs[0] : undefined;
  const detail = only && sourceOf(only);
  return { input: inputs.map((n) => n.name).join(', '), ...(detail === undefined ? {} : { detail }) };
}

/**
 * The origin of each record that reaches `node`: its lineage's, with the record's own place in
 * the source when the lineage is one batch source that can tell (a Kafka record's
 * `topic/partition@offset`).
 */
export function recordOrigins(node: Node<unknown>): (record: unknown) => DeadLetterOrigin {
  const base = lineageOrigin(node);
  const inputs = lineage(node).filter((n) => n.dependencies.length === 0);
  const only = inputs.length === 1 ? inputs[0] : undefined;
  const source = only instanceof SourceInputNode ? (only as SourceInputNode<unknown>).source : undefined;
  if (!source?.describeRecord) return () => base;
  return (record) => {
    const detail = source.describeRecord?.(record);
    return detail === undefined ? base : { ...base, detail };
  };
}

/**
 * Collects, from `logs`, the groups of batch times up to `time` that `reported` does not hold yet,
 * and marks them reported. A group written late (a narrow chain under a window runs for older
 * batch times when the window is computed) is taken at the next time it is looked for.
 */
function take(
  logs: readonly DeadLetterLog[],
  time: number,
  reported: WeakSet<DeadLetterGroup>,
): DeadLetter[] {
  const out: DeadLetter[] = [];
  for (const log of logs) {
    for (const group of log.list()) {
      if (group.batchTime > time || reported.has(group)) continue;
      reported.add(group);
      for (const letter of group.letters) out.push(letter);
    }
  }
  return out;
}

/**
 * The node behind `stream.deadLetters()`: at each of the stream's batch times, the dead letters
 * that the stream's operator and every operator and source upstream of it (its lineage) wrote
 * for batch times up to then, each once. It computes the stream's batch first (shared with the
 * stream's other readers), so the letters of that batch are all there.
 */
export class DeadLettersNode extends Node<DeadLetter> {
  private logs: DeadLetterLog[] | undefined;
  private readonly reported = new WeakSet<DeadLetterGroup>();

  constructor(readonly parent: Node<unknown>) {
    super(parent.scope, 'deadLetters', [parent]);
  }

  protected async compute(time: number): Promise<DeadLetter[]> {
    await this.parent.getOrCompute(time);
    this.logs ??= logsOf(lineage(this.parent));
    return take(this.logs, time, this.reported);
  }
}

/**
 * The node behind `ssc.deadLetters()`: at each batch time, every dead letter of the graph written
 * for batch times up to then, each once. It first computes what every other output reads at that
 * time (shared with those outputs; a failure there is theirs to report).
 */
export class ContextDeadLettersNode extends Node<DeadLetter> {
  private logs: DeadLetterLog[] | undefined;
  private others: Node<unknown>[] | undefined;
  private readonly reported = new WeakSet<DeadLetterGroup>();

  constructor(
    scope: Node<unknown>['scope'],
    private readonly graph: {
      allNodes(): Node<unknown>[];
      readonly outputs: readonly { parent: Node<unknown> }[];
    },
  ) {
    super(scope, 'deadLetters', []);
  }

  protected async compute(time: number): Promise<DeadLetter[]> {
    // Outputs that read this stream are left out: computing them would wait on this very batch.
    this.others ??= this.graph.outputs.map((o) => o.parent).filter((p) => !lineage(p).includes(this));
    const due = this.others.filter((parent) => parent.isTimeValid(time));
    await Promise.all(due.map((parent) => parent.getOrCompute(time)?.catch(() => undefined)));
    this.logs ??= logsOf(this.graph.allNodes());
    return take(this.logs, time, this.reported);
  }
}

/**
 * The graph's account of dead letters: how many each batch produced (`batchCompleted.deadLetters`),
 * and when logs may forget them.
 */
export class DeadLetterLedger {
  private logs: DeadLetterLog[] = [];

  /**
   * Finds every log of the graph, once nodes know their remember durations, and has each keep its
   * groups for as long as a reader may still ask: the longest remember duration of a node that
   * writes to it (a group may be written that late), plus the slowest dead-letter stream's slide.
   */
  start(nodes: readonly Node<unknown>[], batchInterval: number): void {
    let slowest = batchInterval;
    for (const node of nodes) {
      if (node instanceof DeadLettersNode || node instanceof ContextDeadLettersNode) {
        slowest = Math.max(slowest, node.slideDuration);
      }
    }
    for (const node of nodes) {
      for (const log of node.deadLetterLogs()) log.keep = Math.max(log.keep, node.rememberDuration + slowest);
    }
    this.logs = logsOf(nodes);
  }

  /** How many dead letters of batch times up to `time` have not been counted yet; counts them. */
  count(time: number): number {
    let total = 0;
    for (const log of this.logs) {
      for (const group of log.list()) {
        if (group.counted || group.batchTime > time) continue;
        group.counted = true;
        total += group.letters.length;
      }
    }
    return total;
  }

  /** Lets the logs forget what no reader needs once the batch at `time` is done. */
  clear(time: number): void {
    for (const log of this.logs) log.clear(time);
  }
}
