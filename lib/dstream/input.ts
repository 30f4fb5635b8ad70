/**
 * Input streams: the sources of a graph. Every input is materialised at every batch time,
 * whether or not an output asks for it (DESIGN.md, "Execution model").
 */
import { Node, type GraphScope } from './node.js';

export abstract class InputNode<T> extends Node<T> {
  constructor(scope: GraphScope, kind: string) {
    super(scope, kind, []);
  }

  /** Called when the context starts, before the first batch. */
  start(): void | Promise<void> {}

  /** Called when the context stops. */
  stop(): void | Promise<void> {}
}
