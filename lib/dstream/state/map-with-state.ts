/**
 * mapWithState (Spark's MapWithStateDStream): the mapping function is called once per record, in
 * arrival order, with the key's state; then, with a timeout, once more for each key idle too
 * long, which is then removed. One internal node computes per batch the new state map and the
 * mapped records; the returned stream reads the mapped records, `stateSnapshots()` the states.
 *
 * Each batch's state is a new version of one store ({@link StateMap}), so a batch costs what its
 * records touch, plus, with a timeout, the keys that time out: idle keys are found by update time,
 * not by a scan of the state. Timeouts fire at the first batch past the timeout, every batch (Spark
 * finds them only on checkpoint batches, so its timeouts may fire up to a checkpoint interval late).
 */
import { KindlingError } from '../../errors.js';
import type { DStream } from '../dstream.js';
import { Node, type CheckpointScope } from '../node.js';
import type { Key } from '../operators/pairs.js';
import { StateMap } from './state-map.js';
import type { StateSpec } from './state-spec.js';
import { StateImpl } from './state.js';

/**
 * The mapped stream of a mapWithState operation, which also gives the full state of every batch.
 *
 * @example
 * const counts = pairs.mapWithState(spec); // MapWithStateDStream<string, number, [string, number]>
 * counts.print();                          // what the function returned
 * counts.stateSnapshots().print();         // every [key, state] after each batch
 */
export interface MapWithStateDStream<K, S, U> extends DStream<U> {
  /**
   * A stream of every `[key, state]` after each batch (not only the keys the batch touched).
   * Each call returns the same stream.
   */
  stateSnapshots(): DStream<[K, S]>;
}

/** One batch of the internal stream: the state after the batch and what the calls returned. */
interface StateBatch<K, S, U> {
  readonly states: StateMap<K, S>;
  readonly mapped: U[];
}

/** @internal Computes each batch's state map and mapped records; its batches hold one record. */
export class MapWithStateNode<K extends Key, V, S, U> extends Node<StateBatch<K, S, U>> {
  constructor(
    parent: Node<[K, V]>,
    readonly spec: StateSpec<K, V, S, U>,
  ) {
    super(parent.scope, 'mapWithState', [parent]);
    this.mustCheckpoint = true;
  }

  /**
   * A checkpoint holds each batch's states flat, as columns (keys, states, update times; much
   * faster to encode than one array per key), and its mapped records. The newest state holds
   * only the keys changed since the checkpoint before, when it can (see {@link StateMap.encodeFor}).
   */
  protected override encodeBatch(batch: StateBatch<K, S, U>[], scope?: CheckpointScope): unknown {
    return batch.map(({ states, mapped }) => ({ states: states.encodeFor(scope), mapped }));
  }

  /** States saved as changes are applied to the newest state this node saved in the base checkpoint. */
  override resolveBatches(
    saved: readonly (readonly [number, unknown])[],
    base: readonly (readonly [number, unknown])[] | undefined,
  ): (readonly [number, unknown])[] {
    const baseStates = (base?.at(-1)?.[1] as { states: unknown }[] | undefined)?.[0]?.states;
    return saved.map(([time, data]) => {
      const batches = data as { states: unknown; mapped: U[] }[];
      const resolved = batches.map(({ states, mapped }) => {
        const on = StateMap.savedBase(states);
        if (on === undefined) return { states, mapped };
        if (baseStates === undefined) {
          throw new KindlingError(
            `mapWithState '${this.name}': its state of time ${time} was saved as the changes since the ` +
              `checkpoint of time ${on}, which holds no state of it`,
          );
        }
        return { states: StateMap.resolveSaved(states, baseStates, this.storeOptions()), mapped };
      });
      return [time, resolved] as const;
    });
  }

  protected override decodeBatch(data: unknown): StateBatch<K, S, U>[] {
    const saved = data as { states: unknown; mapped: U[] }[];
    return saved.map(({ states, mapped }) => ({
      states: StateMap.fromColumns<K, S>(states, this.storeOptions()),
      mapped,
    }));
  }

  protected async compute(time: number): Promise<StateBatch<K, S, U>[]> {
    const parent = this.dependencies[0] as Node<[K, V]>;
    const previous = this.getOrCompute(time - this.slideDuration);
    const before =
      previous === undefined
        ? StateMap.from(this.spec.initialPairs, time, this.storeOptions())
        : (await previous)[0]?.states;
    if (before === undefined) {
      throw new KindlingError(`mapWithState: the batch before ${time} holds no state`);
    }
    const states = before.copy();
    const mapping = this.spec.mapping;
    const timeout = this.spec.timeoutDuration;
    const state = new StateImpl<S>();
    const mapped: U[] = [];
    await parent.forEachRecord(time, (pair) => {
      const key = pair[0];
      const current = states.get(key);
      const exists = current !== undefined || states.has(key);
      const out = mapping(time, key, pair[1], state.wrap(exists, current));
      if (state.isRemoved()) {
        states.remove(key);
      } else if (state.isUpdated() || (timeout !== undefined && state.exists())) {
        states.put(key, state.get(), time); // with a timeout, any record counts as activity
      }
      if (out !== undefined) mapped.push(out);
    });
    if (timeout !== undefined) {
      states.expire(time - timeout, (key, current) => {
        const out = mapping(time, key, undefined, state.wrapTimingOut(current));
        if (out !== undefined) mapped.push(out);
      });
    }
    return [{ states, mapped }];
  }

  private storeOptions(): { expiring: boolean } {
    return { expiring: this.spec.timeoutDuration !== undefined };
  }
}

/** @internal Reads one part of each batch of a {@link MapWithStateNode}. */
class StateBatchReader<K extends Key, S, U, R> extends Node<R> {
  constructor(
    source: MapWithStateNode<K, unknown, S, U>,
    kind: string,
    private readonly read: (batch: StateBatch<K, S, U>) => R[],
  ) {
    super(source.scope, kind, [source]);
  }

  protected async compute(time: number): Promise<R[]> {
    const batch = (await this.dependencies[0]?.getOrCompute(time)) as StateBatch<K, S, U>[] | undefined;
    const first = batch?.[0];
    return first === undefined ? [] : this.read(first);
  }
}

/** @internal Builds the mapWithState operator on `stream`; `DStream.mapWithState` calls it. */
export function mapWithState<K extends Key, V, S, U>(
  stream: DStream<[K, V]>,
  spec: StateSpec<K, V, S, U>,
): MapWithStateDStream<K, S, U> {
  const internal = new MapWithStateNode<K, V, S, U>(stream.node, spec);
  const source = internal as MapWithStateNode<K, unknown, S, U>;
  const mapped = stream.derive(new StateBatchReader<K, S, U, U>(source, 'mapped', (batch) => batch.mapped));
  let snapshots: DStream<[K, S]> | undefined;
  const stateSnapshots = (): DStream<[K, S]> => {
    snapshots ??= stream.derive(
      new StateBatchReader<K, S, U, [K, S]>(source, 'stateSnapshots', (batch) =>
        Array.from(batch.states.pairs()),
      ),
    );
    return snapshots;
  };
  // Naming the result names the state too (`name/state`): checkpoints match state by that name.
  const nameMapped = mapped.name.bind(mapped);
  const name = (name: string): MapWithStateDStream<K, S, U> => {
    stream.context.graph.rename(internal, `${name}/state`);
    internal.name = `${name}/state`;
    nameMapped(name);
    return result;
  };
  const result = Object.assign(mapped, { stateSnapshots, name }) as MapWithStateDStream<K, S, U>;
  return result;
}
