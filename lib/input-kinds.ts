/**
 * The kinds of input a context treats differently at start, after a batch and at stop: receiver
 * streams (supervised, cut into blocks, optionally logged ahead), batch sources (asked for each
 * batch, committed after it, stopped last) and the rest. The one place that tells them apart.
 */
import type { InputNode } from './dstream/inputs/input.js';
import { ReceiverInputNode } from './dstream/inputs/receiver-stream.js';
import { SourceInputNode } from './dstream/inputs/source-stream.js';

/** An input with its stream id: its index among the graph's inputs, as events name it. */
export interface StreamOf<N> {
  readonly streamId: number;
  readonly input: N;
}

/** A graph's inputs by kind; see the file summary. */
export interface InputKinds {
  /** The receiver streams. */
  readonly receivers: readonly StreamOf<ReceiverInputNode<unknown>>[];
  /** The batch sources: committed after each batch, stopped after the last batch has run. */
  readonly sources: readonly StreamOf<SourceInputNode<unknown>>[];
  /** Every input but the batch sources: stopped first, when a stop begins. */
  readonly stoppedFirst: readonly InputNode<unknown>[];
}

/**
 * Sorts `inputs` (a graph's, in stream id order) by kind.
 *
 * @example
 * const { receivers, sources } = inputKinds(graph.inputs);
 */
export function inputKinds(inputs: readonly InputNode<unknown>[]): InputKinds {
  const receivers: StreamOf<ReceiverInputNode<unknown>>[] = [];
  const sources: StreamOf<SourceInputNode<unknown>>[] = [];
  const stoppedFirst: InputNode<unknown>[] = [];
  inputs.forEach((input, streamId) => {
    if (input instanceof SourceInputNode) {
      sources.push({ streamId, input });
      return;
    }
    if (input instanceof ReceiverInputNode) receivers.push({ streamId, input });
    stoppedFirst.push(input);
  });
  return { receivers, sources, stoppedFirst };
}
