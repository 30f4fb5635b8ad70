import { Observable, type Subscriber } from 'rxjs';
import type { Clock } from '../types.js';

interface TimerEntry {
  next: number;
  readonly period: number;
  readonly subscriber: Subscriber<number>;
}

interface Sleeper {
  readonly until: number;
  readonly wake: () => void;
  /** Started while an advance was running: by tracked work, as far as the clock knows. */
  readonly duringAdvance: boolean;
}

/**
 * A clock that moves only when told to, for deterministic tests.
 *
 * `await clock.advance(ms)` steps through every tick and sleep due by the new time, in time
 * order; at each step it waits until the work those ticks started (every batch due by then, with
 * all its output operations) has finished. A test never sleeps or polls real time.
 *
 * Work that itself sleeps on the clock (a retry's back-off inside a batch, a slow fake store)
 * does not hang an advance: while tracked work is unfinished and a sleep started during an
 * advance is pending, the advance stops waiting for that work and moves on, in time order, to
 * the next tick, timer or sleep due by its target, as a real clock would. Without such a sleep,
 * ticks and timers (a timeout) wait for the work as before.
 *
 * @example
 * const clock = new ManualClock();
 * const ssc = new StreamingContext({ batchInterval: 1000, clock });
 * // ... build the graph, then:
 * await ssc.start();
 * await clock.advance(3000); // batches 1000, 2000 and 3000 have run
 */
export class ManualClock implements Clock {
  private time: number;
  private readonly timers = new Set<TimerEntry>();
  private sleepers: Sleeper[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private advancing: Promise<void> = Promise.resolve();
  /** The time the running advance goes to. */
  private target: number | undefined;
  /** Wakes {@link settle} when work starts a sleep. */
  private sleepStarted: (() => void) | undefined;

  /** @param start the clock's first time, ms. Default 0. */
  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  timer(first: number, period: number): Observable<number> {
    return new Observable<number>((subscriber) => {
      const entry: TimerEntry = { next: first, period, subscriber };
      this.timers.add(entry);
      return () => this.timers.delete(entry);
    });
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    const until = this.time + ms;
    const duringAdvance = this.target !== undefined;
    return new Promise((wake) => {
      this.sleepers.push({ until, wake, duringAdvance });
      if (duringAdvance) this.sleepStarted?.();
    });
  }

  track(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  /**
   * Moves the clock forward by `ms`, firing everything due on the way; see the class summary.
   *
   * @param options.waitEachStep wait for the work of each tick before firing the next (default).
   *   With `false`, every due tick fires at once and the work is awaited at the end, so batches
   *   queue up behind a slow one as they would on a real clock.
   */
  advance(ms: number, options: { waitEachStep?: boolean } = {}): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance(${ms}): the step must be a number >= 0`);
    const run = this.advancing.then(() => this.advanceTo(this.time + ms, options.waitEachStep ?? true));
    this.advancing = run;
    return run;
  }

  /** Moves the clock to `time` (which must not be in the past). */
  setTime(time: number): Promise<void> {
    return this.advance(time - this.time);
  }

  private async advanceTo(target: number, waitEachStep: boolean): Promise<void> {
    this.target = target;
    try {
      await this.settle();
      for (let step = this.nextDue(target); step !== undefined; step = this.nextDue(target)) {
        this.time = step;
        this.fireDue();
        if (waitEachStep) await this.settle();
      }
      this.time = target;
      this.fireDue();
      await this.settle();
    } finally {
      this.target = undefined;
    }
  }

  private nextDue(target: number): number | undefined {
    let due: number | undefined;
    for (const t of this.timers) if (t.next <= target && (due === undefined || t.next < due)) due = t.next;
    for (const s of this.sleepers)
      if (s.until <= target && (due === undefined || s.until < due)) due = s.until;
    return due;
  }

  private fireDue(): void {
    for (const t of [...this.timers]) {
      while (t.next <= this.time && !t.subscriber.closed) {
        const tick = t.next;
        t.next += t.period;
        t.subscriber.next(tick);
      }
    }
    const due = this.sleepers.filter((s) => s.until <= this.time);
    this.sleepers = this.sleepers.filter((s) => s.until > this.time);
    for (const s of due) s.wake();
  }

  /**
   * Waits until no tracked work is left, including work that the awaited work started, or until
   * the work sleeps on the clock while something is due by the target (see the class summary).
   */
  private async settle(): Promise<void> {
    // Let promise chains started by the ticks register their work first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.inFlight.size > 0) {
      if (this.workSleeps()) return;
      const started = new Promise<void>((resolve) => (this.sleepStarted = resolve));
      await Promise.race([Promise.all([...this.inFlight]), started]);
      this.sleepStarted = undefined;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** True when a sleep started during an advance is pending and something is due by the target. */
  private workSleeps(): boolean {
    const target = this.target;
    if (target === undefined || this.nextDue(target) === undefined) return false;
    return this.sleepers.some((s) => s.duringAdvance);
  }
}
