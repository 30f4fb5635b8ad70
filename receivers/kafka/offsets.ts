/**
 * How a Kafka direct stream chooses each batch's offset ranges from where it stands, the latest
 * offsets, and the rate limits. The ranges themselves are in `systems/kafka/offsets.ts`.
 */
import { partitionKey, type OffsetRange, type PartitionOffset } from '../../systems/kafka/offsets.js';

/** The limits on one batch: its interval, the backpressure rate, the cap per partition. */
export interface RangeLimits {
  /** The batch interval, ms. */
  readonly interval: number;
  /** Records per second for the whole stream from the backpressure estimator, if any. */
  readonly rate: number | undefined;
  /** Most records per second read from each partition, if set. */
  readonly maxRatePerPartition: number | undefined;
}

/**
 * The offset range of every partition for the next batch: from its position to its latest
 * offset, capped. With a backpressure rate, each partition gets a share of it in proportion to
 * its lag; `maxRatePerPartition` caps every partition; a capped partition with a lag reads at
 * least one record, so a stream never stalls. Partitions come out in the order of `positions`.
 *
 * @example
 * planRanges([{ topic: 't', partition: 0, offset: 10 }], new Map([['t:0', 1000]]),
 *   { interval: 1000, rate: undefined, maxRatePerPartition: 100 });
 * // [{ topic: 't', partition: 0, fromOffset: 10, untilOffset: 110 }]
 */
export function planRanges(
  positions: readonly PartitionOffset[],
  latest: ReadonlyMap<string, number>,
  limits: RangeLimits,
): OffsetRange[] {
  const lags = positions.map((p) =>
    Math.max(0, (latest.get(partitionKey(p.topic, p.partition)) ?? p.offset) - p.offset),
  );
  const totalLag = lags.reduce((a, b) => a + b, 0);
  const seconds = limits.interval / 1000;
  return positions.map((p, i) => {
    const lag = lags[i] ?? 0;
    let perSecond = Infinity;
    if (limits.rate !== undefined && limits.rate > 0 && totalLag > 0)
      perSecond = (limits.rate * lag) / totalLag;
    if (limits.maxRatePerPartition !== undefined) perSecond = Math.min(perSecond, limits.maxRatePerPartition);
    const most = perSecond === Infinity ? lag : Math.max(1, Math.floor(perSecond * seconds));
    return {
      topic: p.topic,
      partition: p.partition,
      fromOffset: p.offset,
      untilOffset: p.offset + Math.min(lag, most),
    };
  });
}

/** The number of records the ranges span (control records and gaps included). */
export function rangeSize(ranges: readonly OffsetRange[]): number {
  return ranges.reduce((n, r) => n + (r.untilOffset - r.fromOffset), 0);
}
