import test from 'ava';
import { parseSegmentName, segmentName } from '../../../lib/wal/segment-file.js';

test('segment names sort in sequence order and parse back, whatever the first record time', (t) => {
  t.is(segmentName(1, 1000), 'log-000000000001-1000');
  t.is(segmentName(42, -1.5), 'log-000000000042--2');
  t.is(segmentName(3, 1e21), 'log-000000000003-1000000000000000000000');
  const names = [segmentName(10, 5), segmentName(9, 999_999), segmentName(100, 0)];
  t.deepEqual([...names].sort(), [segmentName(9, 999_999), segmentName(10, 5), segmentName(100, 0)]);
  t.deepEqual(names.map(parseSegmentName), [10, 9, 100]);
  for (const other of ['log-1-2', 'log-000000000001', 'log-000000000001-1000.tmp', '../log-000000000001-5'])
    t.is(parseSegmentName(other), undefined, other);
});
