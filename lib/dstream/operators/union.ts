import { ConfigurationError } from '../../errors.js';
import { formatDuration } from '../../duration.js';
import { Node } from '../node.js';

/** union: each batch holds the records of every parent's batch at that time, parents in order. */
export class UnionNode<T> extends Node<T> {
  constructor(parents: readonly Node<T>[]) {
    const first = parents[0];
    if (!first) throw new ConfigurationError('union needs at least one stream');
    super(first.scope, 'union', parents);
  }

  override validate(): void {
    super.validate();
    const slides = new Set(this.dependencies.map((d) => d.slideDuration));
    if (slides.size > 1) {
      const list = this.dependencies.map((d) => `'${d.name}' ${formatDuration(d.slideDuration)}`).join(', ');
      throw new ConfigurationError(
        `union '${this.name}': its streams slide at different intervals (${list}); window them alike first`,
      );
    }
  }

  protected async compute(time: number): Promise<T[]> {
    const batches = await Promise.all(this.dependencies.map((d) => d.getOrCompute(time)));
    const out: T[] = [];
    for (const batch of batches) if (batch) for (const record of batch) out.push(record as T);
    return out;
  }
}
