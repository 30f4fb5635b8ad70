/**
 * `State<S>`: what a mapWithState function sees of one key's state, and how it changes it.
 */
import { IllegalStateError } from '../../errors.js';

/**
 * One key's state, as a mapWithState function sees it during one call. Valid only during that
 * call: do not keep it.
 *
 * @example
 * StateSpec.function((key: string, value: number | undefined, state: State<number>) => {
 *   const sum = (value ?? 0) + (state.getOption() ?? 0);
 *   state.update(sum);
 *   return [key, sum] as [string, number];
 * });
 */
export interface State<S> {
  /** True when the key has a state. */
  exists(): boolean;
  /** The state. Throws an {@link IllegalStateError} when there is none: check `exists()` first. */
  get(): S;
  /** The state, or `undefined` when there is none. */
  getOption(): S | undefined;
  /** Sets the state. Throws if the state was removed in this call or is timing out. */
  update(state: S): void;
  /** Removes the state. Throws if it was already removed in this call or is timing out. */
  remove(): void;
  /** True in the last call for a key whose state timed out: it will be removed after the call. */
  isTimingOut(): boolean;
}

/** @internal The one State object a mapWithState batch reuses for every call. */
export class StateImpl<S> implements State<S> {
  private state: S | undefined;
  private defined = false;
  private timingOut = false;
  private updated = false;
  private removed = false;

  /** Shows `state` (none when `defined` is false) for the next call. */
  wrap(defined: boolean, state: S | undefined): this {
    this.state = state;
    this.defined = defined;
    this.timingOut = false;
    this.updated = false;
    this.removed = false;
    return this;
  }

  /** Shows a state that is timing out: it may be read, not changed. */
  wrapTimingOut(state: S): this {
    this.wrap(true, state);
    this.timingOut = true;
    return this;
  }

  exists(): boolean {
    return this.defined;
  }

  get(): S {
    if (!this.defined) {
      throw new IllegalStateError(
        'State.get(): this key has no state; check state.exists() first, or use state.getOption()',
      );
    }
    return this.state as S;
  }

  getOption(): S | undefined {
    return this.defined ? this.state : undefined;
  }

  update(state: S): void {
    if (this.removed) {
      throw new IllegalStateError(
        'State.update(): the state was removed in this call; it cannot be updated now',
      );
    }
    if (this.timingOut) {
      throw new IllegalStateError(
        'State.update(): the state is timing out and will be removed; it cannot be updated (see isTimingOut())',
      );
    }
    this.state = state;
    this.defined = true;
    this.updated = true;
  }

  remove(): void {
    if (this.timingOut) {
      throw new IllegalStateError(
        'State.remove(): the state is timing out and is removed anyway; do not remove it (see isTimingOut())',
      );
    }
    if (this.removed)
      throw new IllegalStateError('State.remove(): the state was already removed in this call');
    this.state = undefined;
    this.defined = false;
    this.updated = false;
    this.removed = true;
  }

  isTimingOut(): boolean {
    return this.timingOut;
  }

  /** True when `update` was called (and not undone by `remove`) in this call. */
  isUpdated(): boolean {
    return this.updated;
  }

  /** True when `remove` was called in this call. */
  isRemoved(): boolean {
    return this.removed;
  }
}
