import test from 'ava';
import { KindlingError } from '../../../lib/index.js';
import { parseStoredName, retired, sortStored, storedName } from '../../../lib/checkpoint/store-layout.js';

test('stored names sort by time and read back; a time that is not a whole number of ms is refused', (t) => {
  t.is(storedName('checkpoint', 5000), 'checkpoint-0000000000005000');
  t.deepEqual(parseStoredName(storedName('plans', 123)), { kind: 'plans', time: 123 });
  t.is(parseStoredName('.checkpoint-0000000000005000.tmp'), undefined);
  t.is(parseStoredName('checkpoint-5000'), undefined);
  for (const time of [-1, 1.5, Number.NaN]) {
    t.throws(() => storedName('checkpoint', time), {
      instanceOf: KindlingError,
      message: /whole number of ms/,
    });
  }
  t.deepEqual(sortStored(['plans-0000000000002000', 'notes.txt', 'checkpoint-0000000000001000']), {
    checkpoints: [{ name: 'checkpoint-0000000000001000', time: 1000 }],
    plans: [{ name: 'plans-0000000000002000', time: 2000 }],
  });
});

test('retention keeps the newest checkpoints and the plans after the oldest kept; never the one just written', (t) => {
  const file = (kind: 'checkpoint' | 'plans', time: number) => ({ name: storedName(kind, time), time });
  const checkpoints = [1000, 2000, 3000, 4000].map((time) => file('checkpoint', time));
  const plans = [2000, 3000, 4000, 5000].map((time) => file('plans', time));
  t.deepEqual(
    retired(checkpoints, plans, 2, storedName('checkpoint', 4000)).map((f) => f.name),
    [
      'checkpoint-0000000000002000',
      'checkpoint-0000000000001000',
      'plans-0000000000002000',
      'plans-0000000000003000',
    ],
  );
  // Written by a run being recovered, older than those kept: still not deleted, and it holds its plans.
  t.deepEqual(
    retired(checkpoints, plans, 2, storedName('checkpoint', 1000)).map((f) => f.name),
    ['checkpoint-0000000000002000'],
  );
});

test('an incremental checkpoint names its base, and retention keeps the bases of those it keeps', (t) => {
  t.is(storedName('checkpoint', 9000, 5000), 'checkpoint-0000000000009000-on-0000000000005000');
  t.deepEqual(parseStoredName(storedName('checkpoint', 9000, 5000)), {
    kind: 'checkpoint',
    time: 9000,
    base: 5000,
  });
  t.is(parseStoredName('plans-0000000000009000-on-0000000000005000'), undefined);
  t.throws(() => storedName('checkpoint', 5000, 5000), { message: /older than itself/ });
  const names = [
    storedName('checkpoint', 1000),
    storedName('checkpoint', 2000, 1000),
    storedName('checkpoint', 3000),
    storedName('checkpoint', 4000, 3000),
    storedName('checkpoint', 5000, 4000),
  ];
  const { checkpoints } = sortStored(names);
  const plans = [1000, 2000, 3000, 4000, 5000].map((time) => ({ name: storedName('plans', time), time }));
  t.deepEqual(
    retired(checkpoints, plans, 2, storedName('checkpoint', 5000, 4000)).map((f) => f.name),
    [
      storedName('checkpoint', 2000, 1000),
      storedName('checkpoint', 1000),
      ...plans.slice(0, 3).map((p) => p.name),
    ],
    '4000 and 5000 are kept, and 3000 that they build on; the plans after 3000',
  );
  // Written again at 5000, whole this time: it replaces the incremental one of that time.
  const again = sortStored([...names, storedName('checkpoint', 5000)]).checkpoints;
  t.deepEqual(
    retired(again, [], 2, storedName('checkpoint', 5000)).map((f) => f.name),
    [
      storedName('checkpoint', 5000, 4000),
      storedName('checkpoint', 2000, 1000),
      storedName('checkpoint', 1000),
    ],
  );
});
