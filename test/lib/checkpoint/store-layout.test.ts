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
