/**
 * Spark's PID rate estimator: from each completed batch's size and delays, the number of records
 * per second a receiver should let in so batches finish within their interval.
 */
import { ConfigurationError } from '../errors.js';

/** Gains and floor of the PID rate estimator behind backpressure (Spark's `PIDRateEstimator`). */
export interface PidGains {
  /** Weight of the current error (last rate minus the measured processing rate). Default 1, >= 0. */
  readonly proportional?: number;
  /** Weight of the backlog (scheduling delay, as records). Default 0.2, >= 0. */
  readonly integral?: number;
  /** Weight of the error's change per second. Default 0, >= 0. */
  readonly derivative?: number;
  /** The rate never goes below this, records per second. Default 100, > 0. */
  readonly minRate?: number;
}

/**
 * Estimates a rate with a PID controller whose process variable is the processing rate (records
 * per second of processing delay) and whose set point is the last estimate. The integral term is
 * the backlog: `schedulingDelay * processingRate / batchInterval`, the records that wait ahead of
 * each batch; it pulls the rate below the processing rate until the backlog drains.
 *
 * @example
 * const pid = new PidRateEstimator(1000);
 * pid.compute(1_000, 5000, 500, 0); // undefined: the first batch only sets the starting point
 * pid.compute(2_000, 5000, 500, 0); // 10000 records per second
 *
 * Gotchas: a batch with no records, no processing delay, or a time not after the previous one
 * gives `undefined` and changes nothing (no new information). The result is never below `minRate`.
 */
export class PidRateEstimator {
  readonly proportional: number;
  readonly integral: number;
  readonly derivative: number;
  readonly minRate: number;
  private first = true;
  private latestTime = -1;
  private latestRate = -1;
  private latestError = -1;

  /**
   * @param batchInterval the context's batch interval, ms, > 0.
   * @param gains the PID gains and the minimum rate; see {@link PidGains} for the defaults.
   */
  constructor(
    readonly batchInterval: number,
    gains: PidGains = {},
  ) {
    this.proportional = gains.proportional ?? 1;
    this.integral = gains.integral ?? 0.2;
    this.derivative = gains.derivative ?? 0;
    this.minRate = gains.minRate ?? 100;
    if (!(batchInterval > 0) || !Number.isFinite(batchInterval)) {
      throw new ConfigurationError(
        `rate estimator: batchInterval must be a positive number of ms, got ${batchInterval}`,
      );
    }
    for (const [name, gain] of [
      ['proportional', this.proportional],
      ['integral', this.integral],
      ['derivative', this.derivative],
    ] as const) {
      if (!(gain >= 0) || !Number.isFinite(gain)) {
        throw new ConfigurationError(
          `backpressure.${name} must be a number >= 0, got ${gain}; the default is ${DEFAULTS[name]}`,
        );
      }
    }
    if (!(this.minRate > 0) || !Number.isFinite(this.minRate)) {
      throw new ConfigurationError(
        `backpressure.minRate must be a positive number of records per second, got ${this.minRate}; ` +
          'the default is 100',
      );
    }
  }

  /**
   * The rate the next estimate starts from, records per second: the first batch's processing
   * rate once it has been taken into account, then the latest estimate; `undefined` before.
   */
  get latest(): number | undefined {
    return this.first ? undefined : this.latestRate;
  }

  /**
   * Takes one completed batch into account and returns the new rate, records per second, or
   * `undefined` when there is none (the first batch, or a batch that says nothing new).
   *
   * @param time when the batch finished, ms; must grow from call to call.
   * @param numElements records in the batch.
   * @param processingDelay how long the batch ran, ms.
   * @param schedulingDelay how long the batch waited before it ran, ms.
   */
  compute(
    time: number,
    numElements: number,
    processingDelay: number,
    schedulingDelay: number,
  ): number | undefined {
    if (!(time > this.latestTime && numElements > 0 && processingDelay > 0)) return undefined;
    const secondsSinceUpdate = (time - this.latestTime) / 1000;
    const processingRate = (numElements / processingDelay) * 1000;
    const error = this.latestRate - processingRate;
    const historicalError = (schedulingDelay * processingRate) / this.batchInterval;
    const errorChange = (error - this.latestError) / secondsSinceUpdate;
    const rate = Math.max(
      this.minRate,
      this.latestRate -
        this.proportional * error -
        this.integral * historicalError -
        this.derivative * errorChange,
    );
    this.latestTime = time;
    if (this.first) {
      this.first = false;
      this.latestRate = processingRate;
      this.latestError = 0;
      return undefined;
    }
    this.latestRate = rate;
    this.latestError = error;
    return rate;
  }
}

const DEFAULTS = { proportional: 1, integral: 0.2, derivative: 0 } as const;
