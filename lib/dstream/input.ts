/**
 * Input streams: the sources of a graph. Every input is materialised at every batch time,
 * whether or not an output asks for it (DESIGN.md, "Execution model"), and only then: a past
 * batch that is no longer remembered cannot be read again.
 */
import { KindlingError } from '../errors.js';
import { Node, type GraphScope } from './node.js';

export abstract class InputNode<T> extends Node<T> {
  private latest = -Infinity;

  constructor(scope: GraphScope, kind: string) {
    super(scope, kind, []);
  }

  /** Called when the context starts, before the first batch. */
  start(): void | Promise<void> {}

  /** Called when the context stops. */
  stop(): void | Promise<void> {}

  override getOrCompute(time: number): Promise<T[]> | undefined {
    const remembered = this.hasBatch(time);
    if (!remembered && time <= this.latest && this.isTimeValid(time)) {
      throw new KindlingError(
        `input '${this.name}' no longer holds its batch of time ${time} (it keeps ${this.rememberDuration} ms); ` +
          'call ssc.remember(ms) before start() to keep batches longer',
      );
    }
    const batch = super.getOrCompute(time);
    if (batch && !remembered) this.latest = Math.max(this.latest, time);
    return batch;
  }
}
