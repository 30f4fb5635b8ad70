/**
 * StateSpec: everything mapWithState needs, built fluently: the mapping function, and optionally
 * a timeout, an initial state and a number of partitions.
 */
import { ConfigurationError } from '../../errors.js';
import type { State } from './state.js';

/**
 * A mapWithState function: called with a key, its value (`undefined` in the last call of a key
 * that timed out) and its {@link State}. What it returns goes to the mapped stream; `undefined`
 * means "emit nothing".
 */
export type MappingFunction<K, V, S, U> = (key: K, value: V | undefined, state: State<S>) => U | undefined;

/** A {@link MappingFunction} that also gets the batch time first, as Spark's `(time, key, value, state)`. */
export type TimedMappingFunction<K, V, S, U> = (
  time: number,
  key: K,
  value: V | undefined,
  state: State<S>,
) => U | undefined;

interface Settings<K, S> {
  readonly timeout: number | undefined;
  readonly initialState: readonly (readonly [K, S])[];
  readonly numPartitions: number | undefined;
}

/**
 * The specification of a mapWithState operation. Builder methods return a new spec.
 *
 * @example
 * const spec = StateSpec.function((word: string, one: number | undefined, state: State<number>) => {
 *   const count = (state.getOption() ?? 0) + (one ?? 0);
 *   state.update(count);
 *   return [word, count] as [string, number];
 * }).timeout(minutes(30));
 * const counts = pairs.mapWithState(spec); // DStream<[string, number]>
 *
 * Gotchas: a function declared with four parameters is taken as the `(time, key, value, state)`
 * form, any other as `(key, value, state)` (so do not give a timed function's last parameter a
 * default value). TypeScript infers the key and value types of an inline `(key, value, state)`
 * function from the stream; annotate every parameter of the timed form. Returning `undefined`
 * emits nothing; return `null` to emit an empty marker.
 */
export class StateSpec<K, V, S, U> {
  private constructor(
    /** @internal The mapping function, in its timed form. */
    readonly mapping: TimedMappingFunction<K, V, S, U>,
    private readonly settings: Settings<K, S>,
  ) {}

  /**
   * A spec for the mapping function `fn`: `(key, value, state)`, or `(time, key, value, state)`
   * with the batch time first.
   */
  static function<K, V, S, U>(fn: MappingFunction<K, V, S, U>): StateSpec<K, V, S, U>;
  static function<K, V, S, U>(fn: TimedMappingFunction<K, V, S, U>): StateSpec<K, V, S, U>;
  static function<K, V, S, U>(
    fn: MappingFunction<K, V, S, U> | TimedMappingFunction<K, V, S, U>,
  ): StateSpec<K, V, S, U> {
    if (typeof fn !== 'function') {
      throw new ConfigurationError(`StateSpec.function needs a mapping function, got ${typeof fn}`);
    }
    const timed: TimedMappingFunction<K, V, S, U> =
      fn.length >= 4
        ? (fn as TimedMappingFunction<K, V, S, U>)
        : (_time, key, value, state) => (fn as MappingFunction<K, V, S, U>)(key, value, state);
    return new StateSpec(timed, { timeout: undefined, initialState: [], numPartitions: undefined });
  }

  /**
   * Removes the state of a key that got no data for longer than `ms` (its last update is before
   * batch time − `ms`), after one last call with `value` undefined and `state.isTimingOut()` true.
   * Any record of a key counts as activity, even when the function does not update the state.
   */
  timeout(ms: number): StateSpec<K, V, S, U> {
    if (!(ms > 0) || !Number.isFinite(ms)) {
      throw new ConfigurationError(`StateSpec.timeout(${ms}): the timeout must be a positive number of ms`);
    }
    return new StateSpec(this.mapping, { ...this.settings, timeout: ms });
  }

  /** The state of these keys before the first batch (read once, now). */
  initialState(pairs: Iterable<readonly [K, S]> | ReadonlyMap<K, S>): StateSpec<K, V, S, U> {
    return new StateSpec(this.mapping, { ...this.settings, initialState: Array.from(pairs) });
  }

  /** How many slices parallel stages cut the state into; on one thread it changes nothing. */
  numPartitions(n: number): StateSpec<K, V, S, U> {
    if (!Number.isInteger(n) || n < 1) {
      throw new ConfigurationError(`StateSpec.numPartitions(${n}): the number must be a whole number >= 1`);
    }
    return new StateSpec(this.mapping, { ...this.settings, numPartitions: n });
  }

  /** @internal The timeout, ms, if one was set. */
  get timeoutDuration(): number | undefined {
    return this.settings.timeout;
  }

  /** @internal The initial state pairs. */
  get initialPairs(): readonly (readonly [K, S])[] {
    return this.settings.initialState;
  }

  /** @internal The number of partitions, if one was set. */
  get partitions(): number | undefined {
    return this.settings.numPartitions;
  }
}
