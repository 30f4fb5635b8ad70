/**
 * A distributed job: a context with an `applicationId`, run as N identical processes that share
 * the input's partitions through a Kafka consumer group (DESIGN.md, "Beyond one process"). What
 * this file decides: which graphs can run that way today (stateless ones over one partitioned
 * source), what the source is told at start, and which records of a batch belong to which task,
 * for an output that commits per task. What is not built yet is refused at start, saying so.
 */
import type { DStream } from './dstream/dstream.js';
import { SourceInputNode } from './dstream/inputs/source-stream.js';
import type { Node } from './dstream/node.js';
import { TransformWithNode } from './dstream/operators/batch.js';
import { NarrowNode } from './dstream/operators/narrow.js';
import { CoGroupNode } from './dstream/operators/join.js';
import { CombineByKeyNode } from './dstream/operators/reduce-by-key.js';
import { WindowedNode } from './dstream/operators/window.js';
import { MapWithStateNode } from './dstream/state/map-with-state.js';
import { UpdateStateNode } from './dstream/state/update-state.js';
import { ConfigurationError } from './errors.js';
import type { DStreamGraph } from './graph.js';
import type { TaskSlice } from './types.js';

const NOT_BUILT = 'keyed state across processes is not built yet (issue 22: state moves with its task)';

/**
 * Checks that `graph` can run as a distributed job under `applicationId`, and tells its source
 * so (`BatchSource.distribute`). Throws a ConfigurationError, naming the operator or input and
 * what to do, for: an operator that keeps records or state from one batch to the next
 * (`updateStateByKey`, `mapWithState`, any window), an input without partitions (a receiver, a
 * queue, a file stream), more or fewer than one partitioned source, and checkpoints.
 *
 * @example
 * checkDistributedGraph(graph, 'orders-enrich', { checkpoints: false }); // at start
 */
export function checkDistributedGraph(
  graph: DStreamGraph,
  applicationId: string,
  options: { readonly checkpoints: boolean },
): void {
  const where = `applicationId '${applicationId}'`;
  if (options.checkpoints) {
    throw new ConfigurationError(
      `${where}: checkpoints are not used by a distributed job yet (a checkpoint is one process's, ` +
        'and the partitions move between processes); drop checkpointDir/checkpointStore: the offsets ' +
        "live in the consumer group (commit: 'kafka', or the transactional Kafka output)",
    );
  }
  const nodes = graph.allNodes();
  for (const node of nodes) {
    const kind = stateKind(node);
    if (kind !== undefined) {
      throw new ConfigurationError(
        `${where}: ${kind} '${node.name}' keeps ${kind === 'window' ? 'records' : 'state'} from one batch to ` +
          `the next; ${NOT_BUILT}. Run this job without applicationId (one process), or keep only ` +
          'stateless operators (map, filter, flatMap, per-batch reduceByKey, joins within a batch)',
      );
    }
  }
  const sources: SourceInputNode<unknown>[] = [];
  for (const input of graph.inputs) {
    if (input instanceof SourceInputNode && typeof input.source.distribute === 'function') {
      sources.push(input);
      continue;
    }
    throw new ConfigurationError(
      `${where}: input '${input.name}' (${input.kind}) has no partitions, so it cannot be shared among ` +
        'processes: a distributed job reads a kafkaDirectStream. Receivers without partitions run in one ' +
        'process: run that input as a job of its own without applicationId, writing to a Kafka topic, ' +
        'and read the topic here',
    );
  }
  if (sources.length !== 1) {
    throw new ConfigurationError(
      `${where}: a distributed job reads exactly one kafkaDirectStream (list every input topic in it), ` +
        `got ${sources.length}`,
    );
  }
  const coPartitioned = nodes.some(
    (n) => n instanceof CombineByKeyNode || n instanceof CoGroupNode || n instanceof TransformWithNode,
  );
  sources[0]?.source.distribute?.({ applicationId, coPartitioned });
}

/** The kind of operator `node` is when it keeps records or state across batches, else undefined. */
function stateKind(node: Node<unknown>): string | undefined {
  if (node instanceof UpdateStateNode) return 'updateStateByKey';
  if (node instanceof MapWithStateNode) return 'mapWithState';
  if (node instanceof WindowedNode) return 'window';
  return undefined;
}

/**
 * True when each record of `stream` comes from one task's records alone: the stream is a
 * distributed job's batch source, or map/filter/flatMap stages over it. Only such a stream can
 * be written per task (its {@link taskSlicesOf} are known).
 *
 * @example
 * taskAligned(orders.map(enrich)); // true; taskAligned(orders.map(kv).reduceByKey(add)) is false
 */
export function taskAligned(stream: DStream<unknown>): boolean {
  const node = stream.node;
  const source = node instanceof NarrowNode ? node.source : node;
  return source instanceof SourceInputNode;
}

/**
 * Which records of the batch at `time` of `stream` belong to which task (indices into the
 * records its outputs get), in a distributed job; undefined when they mix tasks or the batch is
 * not there. For outputs that commit each task's records on their own (the transactional Kafka
 * output).
 *
 * @example
 * addOutput(stream, { ..., write: (records, time) => writePerTask(records, taskSlicesOf(stream, time)) });
 */
export function taskSlicesOf(stream: DStream<unknown>, time: number): readonly TaskSlice[] | undefined {
  return stream.node.taskSlicesAt(time);
}
