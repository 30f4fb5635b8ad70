/** Unit tests of ShardTracker: which shards may be read, from where, after splits and merges. */
import test from 'ava';
import type { Shard } from '@aws-sdk/client-kinesis';
import { ShardTracker } from '../../../receivers/kinesis/shards.js';

const shard = (id: string, parent?: string, adjacent?: string): Shard => ({
  ShardId: id,
  HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
  SequenceNumberRange: { StartingSequenceNumber: '0' },
  ...(parent === undefined ? {} : { ParentShardId: parent }),
  ...(adjacent === undefined ? {} : { AdjacentParentShardId: adjacent }),
});
const ids = (shards: Shard[]): string[] => shards.map((s) => s.ShardId as string);

test('children of a split wait for their parent to end, and start from TRIM_HORIZON', (t) => {
  const tracker = new ShardTracker('s');
  t.deepEqual(ids(tracker.update([shard('a'), shard('b')])), ['a', 'b']);
  t.deepEqual(tracker.position('a'), { from: 'initial' });
  tracker.claim('a');
  tracker.claim('b');
  tracker.advance('a', '10');
  t.deepEqual(ids(tracker.update([shard('a'), shard('b'), shard('c', 'a'), shard('d', 'a')])), []);
  t.deepEqual(tracker.position('c'), { from: 'TRIM_HORIZON' });
  tracker.end('a');
  tracker.released('a');
  t.deepEqual(ids(tracker.update([shard('a'), shard('b'), shard('c', 'a'), shard('d', 'a')])), ['c', 'd']);
  t.deepEqual(tracker.snapshot().shards.a, { after: '10', ended: true });
});

test('the child of a merge waits for both parents; a parent gone from the listing counts as ended', (t) => {
  const tracker = new ShardTracker('s');
  tracker.update([shard('a'), shard('b')]);
  tracker.end('a');
  t.deepEqual(ids(tracker.update([shard('a'), shard('b'), shard('m', 'a', 'b')])), ['b']);
  t.deepEqual(ids(tracker.update([shard('a'), shard('m', 'a', 'b')])), ['m']);
  t.is(tracker.snapshot().shards.a?.ended, true);
  tracker.update([shard('m', 'a', 'b')]);
  t.is(tracker.snapshot().shards.a, undefined, 'an ended shard that left the listing is forgotten');
});

test('a resumed tracker goes on after stored sequence numbers and skips ended shards', (t) => {
  const tracker = new ShardTracker('s', {
    streamName: 's',
    shards: { a: { after: '5', ended: true }, b: { after: '7' }, c: { from: 'initial' } },
  });
  t.deepEqual(ids(tracker.update([shard('a'), shard('b'), shard('c'), shard('d', 'a')])), ['b', 'c', 'd']);
  t.deepEqual(tracker.position('b'), { after: '7' });
  t.deepEqual(tracker.position('c'), { from: 'initial' });
  t.deepEqual(tracker.position('d'), { from: 'TRIM_HORIZON' }, 'a shard new since the position');
});
