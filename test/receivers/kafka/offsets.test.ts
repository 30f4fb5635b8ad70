import test from 'ava';
import { planRanges, rangeSize } from '../../../receivers/kafka/offsets.js';
import type { PartitionOffset } from '../../../systems/kafka/offsets.js';

const at = (partition: number, offset: number): PartitionOffset => ({ topic: 't', partition, offset });
const latest = (...ends: number[]): Map<string, number> => new Map(ends.map((end, p) => [`t:${p}`, end]));
const sizes = (ranges: ReturnType<typeof planRanges>): number[] =>
  ranges.map((r) => r.untilOffset - r.fromOffset);

test('without limits a batch reads every partition up to its latest offset', (t) => {
  const ranges = planRanges([at(0, 5), at(1, 0)], latest(12, 3), {
    interval: 1000,
    rate: undefined,
    maxRatePerPartition: undefined,
  });
  t.deepEqual(ranges, [
    { topic: 't', partition: 0, fromOffset: 5, untilOffset: 12 },
    { topic: 't', partition: 1, fromOffset: 0, untilOffset: 3 },
  ]);
});

test('maxRatePerPartition caps each partition at rate times the interval', (t) => {
  const ranges = planRanges([at(0, 0), at(1, 0), at(2, 0)], latest(10_000, 50, 0), {
    interval: 500,
    rate: undefined,
    maxRatePerPartition: 1000,
  });
  t.deepEqual(sizes(ranges), [500, 50, 0]);
});

test('a backpressure rate is shared among partitions by their lag', (t) => {
  const ranges = planRanges([at(0, 0), at(1, 0)], latest(3000, 1000), {
    interval: 1000,
    rate: 400,
    maxRatePerPartition: undefined,
  });
  t.deepEqual(sizes(ranges), [300, 100]);
});

test('the lower of the backpressure share and maxRatePerPartition wins', (t) => {
  const ranges = planRanges([at(0, 0), at(1, 0)], latest(3000, 1000), {
    interval: 1000,
    rate: 400,
    maxRatePerPartition: 150,
  });
  t.deepEqual(sizes(ranges), [150, 100]);
});

test('a rate-limited partition with a lag reads at least one record', (t) => {
  const ranges = planRanges([at(0, 0), at(1, 0)], latest(1_000_000, 1), {
    interval: 100,
    rate: 1,
    maxRatePerPartition: undefined,
  });
  t.deepEqual(sizes(ranges), [1, 1]);
});

test('a partition whose latest offset is unknown or behind reads nothing', (t) => {
  const ranges = planRanges([at(0, 10), at(1, 10)], new Map([['t:1', 4]]), {
    interval: 1000,
    rate: undefined,
    maxRatePerPartition: undefined,
  });
  t.deepEqual(sizes(ranges), [0, 0]);
  t.is(rangeSize(ranges), 0);
});
