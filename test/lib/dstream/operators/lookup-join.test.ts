/**
 * joinLookup and enrich on a ManualClock, against a small in-process fake lookup that counts its
 * requests (the file lookup in test/lookups/ is the real one): order, missing-key policies,
 * chunking and concurrency, timeouts, retries, and refresh between batches.
 */
import test from 'ava';
import {
  BatchError,
  ConfigurationError,
  KindlingError,
  type Clock,
  type DStream,
  type Lookup,
} from '../../../../lib/index.js';
import { brief, runWithDeadLetters } from '../dead-letters/dead-letters-harness.js';

/** A lookup over a Map that logs what it is asked, optionally slow (on the clock) or failing. */
class FakeLookup implements Lookup<string, number> {
  readonly name = 'profiles';
  readonly log: string[] = [];
  readonly calls: string[][] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Thrown by the next calls, one each, in order. */
  failures: Error[] = [];
  /** When set, each call sleeps this long on `clock` first. */
  slowMs = 0;
  clock: Clock | undefined;
  /** The table `refresh` swaps in, if any. */
  staged: Map<string, number> | undefined;

  constructor(public table: Map<string, number>) {}

  async getAll(keys: readonly string[]): Promise<ReadonlyMap<string, number>> {
    this.calls.push([...keys]);
    this.log.push(`getAll ${keys.join(',')}`);
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.slowMs > 0) await this.clock?.sleep(this.slowMs);
      const failure = this.failures.shift();
      if (failure) throw failure;
      const found = new Map<string, number>();
      for (const key of keys) if (this.table.has(key)) found.set(key, this.table.get(key) as number);
      return found;
    } finally {
      this.inFlight--;
    }
  }

  async refresh(time: number): Promise<void> {
    this.log.push(`refresh ${time}`);
    if (this.staged) [this.table, this.staged] = [this.staged, undefined];
  }
}

const TABLE = new Map([
  ['a', 1],
  ['b', 2],
  ['c', 3],
]);
const retriable = (): KindlingError => new KindlingError('connection reset', { retriable: true });
const NO_JITTER = { jitter: 0, initialDelay: 100 };

test('joinLookup keeps the batch order, asks once per batch for the distinct keys, and keeps missing keys', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const run = await runWithDeadLetters([['a', 'x', 'b', 'a'], ['c'], []], (s: DStream<string>) =>
    s.joinLookup(lookup, (r) => r),
  );
  t.deepEqual(run.out, [
    [
      ['a', 1],
      ['x', undefined],
      ['b', 2],
      ['a', 1],
    ],
    [['c', 3]],
    [],
  ]);
  t.deepEqual(lookup.calls, [['a', 'x', 'b'], ['c']]);
  t.is(run.failure, undefined);
});

test("missing: 'drop' skips records whose key is absent or undefined", async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const run = await runWithDeadLetters([['a', 'x', '', 'c']], (s: DStream<string>) =>
    s.joinLookup(lookup, (r) => (r === '' ? undefined : r), { missing: 'drop' }).map(([r, v]) => `${r}=${v}`),
  );
  t.deepEqual(run.out, [['a=1', 'c=3']]);
  t.deepEqual(lookup.calls, [['a', 'x', 'c']]);
  t.deepEqual(run.dead, [[]]);
});

test("missing: 'deadLetter' sends absent keys to the dead letters with reason missingKey", async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const run = await runWithDeadLetters(
    [
      ['a', 'x'],
      ['y', 'b', 'y'],
    ],
    (s: DStream<string>) => s.joinLookup(lookup, (r) => r, { missing: 'deadLetter' }).name('withProfiles'),
  );
  t.deepEqual(run.out, [[['a', 1]], [['b', 2]]]);
  t.deepEqual(
    run.dead.map((batch) => batch.map(brief)),
    [
      [
        `"x" @1000 by withProfiles: lookup 'profiles' has no value for key x; use missing: 'keep' to keep such records`,
      ],
      [
        `"y" @2000 by withProfiles: lookup 'profiles' has no value for key y; use missing: 'keep' to keep such records`,
        `"y" @2000 by withProfiles: lookup 'profiles' has no value for key y; use missing: 'keep' to keep such records`,
      ],
    ],
  );
  t.is(run.dead[0]?.[0]?.reason, 'missingKey');
  t.deepEqual(run.dead[0]?.[0]?.origin, { input: 'queueStream' });
  t.deepEqual(run.counted, [1, 2]);
});

test('enrich merges each record with its value; merge gets undefined for a kept missing key', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const run = await runWithDeadLetters([['b', 'z', 'a']], (s: DStream<string>) =>
    s.enrich(
      lookup,
      (r) => r,
      (r, v) => `${r}:${v ?? 'none'}`,
    ),
  );
  t.deepEqual(run.out, [['b:2', 'z:none', 'a:1']]);
});

test("onRecordError: 'deadLetter' covers keyOf and merge; without it they fail the batch", async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const merge = (r: string, v: number | undefined): string => {
    if (r === 'c') throw new Error('cannot merge c');
    return `${r}${v}`;
  };
  const keyOf = (r: string): string => {
    if (r === '!') throw new Error('no key in !');
    return r;
  };
  const run = await runWithDeadLetters([['a', '!', 'c', 'b']], (s: DStream<string>) =>
    s.enrich(lookup, keyOf, merge, { onRecordError: 'deadLetter' }),
  );
  t.deepEqual(run.out, [['a1', 'b2']]);
  t.deepEqual(
    run.dead[0]?.map((l) => `${l.reason} ${String(l.record)} ${l.error.message}`),
    ['userFunction ! no key in !', 'userFunction c cannot merge c'],
  );
  t.deepEqual(lookup.calls, [['a', 'c', 'b']]);

  const failing = await runWithDeadLetters([['a', '!']], (s: DStream<string>) =>
    s.enrich(lookup, keyOf, merge),
  );
  t.true(failing.failure instanceof BatchError);
  t.regex(failing.failure?.message ?? '', /no key in !/);
});

test('distinct keys go out in chunks of chunkSize, at most concurrency requests at once', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
  const run = await runWithDeadLetters([[...keys, ...keys, 'a']], (s: DStream<string>) =>
    s.joinLookup(lookup, (r) => r, { chunkSize: 3, concurrency: 2, missing: 'drop' }),
  );
  t.deepEqual(run.out, [[['a', 1]]]);
  t.deepEqual(
    lookup.calls.map((c) => c.length),
    [3, 3, 3, 2],
  );
  t.deepEqual(lookup.calls.flat().sort(), [...keys, 'a'].sort());
  t.is(lookup.maxInFlight, 2);
});

test('the default chunk is 1000 keys; concurrency 1 sends one request at a time', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const keys = Array.from({ length: 2500 }, (_, i) => `k${i}`);
  await runWithDeadLetters([keys], (s: DStream<string>) =>
    s.joinLookup(lookup, (r) => r, { concurrency: 1 }),
  );
  t.deepEqual(
    lookup.calls.map((c) => c.length),
    [1000, 1000, 500],
  );
  t.is(lookup.maxInFlight, 1);
});

test('a request slower than timeoutMs times out, is retried, then fails the batch naming the lookup and time', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  lookup.slowMs = 60_000;
  const run = await runWithDeadLetters(
    [['a'], ['b']],
    (s: DStream<string>, ssc) => {
      lookup.clock = ssc.clock;
      return s.joinLookup(lookup, (r) => r, { timeoutMs: 500, backoff: { ...NO_JITTER, maxAttempts: 2 } });
    },
    { batches: 3 },
  );
  t.deepEqual(run.out, []);
  t.true(run.failure instanceof BatchError);
  const message = run.failure?.message ?? '';
  t.regex(message, /lookup 'profiles' failed in the batch of time 1000 \(getAll of 1 keys, 2 attempts\)/);
  t.regex(message, /did not answer 1 keys within 500 ms/);
  t.is(lookup.calls.length, 2);
});

test('retriable failures are retried with back-off on the context clock and the batch succeeds', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  lookup.failures = [retriable(), retriable()];
  const run = await runWithDeadLetters([['a', 'b'], ['c']], (s: DStream<string>) =>
    s.joinLookup(lookup, (r) => r, { backoff: NO_JITTER }),
  );
  t.deepEqual(run.out, [
    [
      ['a', 1],
      ['b', 2],
    ],
    [['c', 3]],
  ]);
  t.is(lookup.calls.length, 4);
  t.is(run.failure, undefined);
});

test('retriable failures beyond maxAttempts fail the batch; a non-retriable one fails it at once', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  lookup.failures = [retriable(), retriable(), retriable()];
  const run = await runWithDeadLetters([['a'], ['b']], (s: DStream<string>) =>
    s.joinLookup(lookup, (r) => r, { backoff: NO_JITTER }),
  );
  t.deepEqual(run.out, []);
  t.is(lookup.calls.length, 3);
  t.regex(
    run.failure?.message ?? '',
    /lookup 'profiles' failed in the batch of time 1000 \(getAll of 1 keys, 3 attempts\): connection reset/,
  );

  const strict = new FakeLookup(new Map(TABLE));
  strict.failures = [new KindlingError('access denied')];
  const denied = await runWithDeadLetters([['a']], (s: DStream<string>) => s.joinLookup(strict, (r) => r));
  t.is(strict.calls.length, 1);
  t.regex(denied.failure?.message ?? '', /\(getAll of 1 keys, 1 attempt\): access denied/);
});

test('refresh runs before each batch; a table changed during a batch is seen only from the next batch', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const getAll = lookup.getAll.bind(lookup);
  lookup.getAll = async (keys) => {
    // The table changes at the source while batch 1000 is being looked up.
    if (lookup.calls.length === 0) lookup.staged = new Map([...TABLE, ['a', 100]]);
    return getAll(keys);
  };
  const run = await runWithDeadLetters([['a', 'b'], ['a'], []], (s: DStream<string>) =>
    s.joinLookup(lookup, (r) => r, { chunkSize: 1, concurrency: 1 }),
  );
  t.deepEqual(run.out, [
    [
      ['a', 1],
      ['b', 2],
    ],
    [['a', 100]],
    [],
  ]);
  t.deepEqual(lookup.log, [
    'refresh 1000',
    'getAll a',
    'getAll b',
    'refresh 2000',
    'getAll a',
    'refresh 3000',
  ]);
});

test('two operators sharing a lookup refresh it once per batch', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const run = await runWithDeadLetters([['a'], ['b']], (s: DStream<string>) =>
    s
      .joinLookup(lookup, (r) => r, { missing: 'drop' })
      .map(([r]) => r)
      .enrich(
        lookup,
        (r) => r,
        (r, v) => `${r}${v}`,
      ),
  );
  t.deepEqual(run.out, [['a1'], ['b2']]);
  t.deepEqual(
    lookup.log.filter((l) => l.startsWith('refresh')),
    ['refresh 1000', 'refresh 2000'],
  );
});

test('bad options are refused when the stream is built, with what is wrong', async (t) => {
  const lookup = new FakeLookup(new Map(TABLE));
  const cases: [object, RegExp][] = [
    [{ concurrency: 0 }, /concurrency must be a whole number >= 1, got 0/],
    [{ chunkSize: 1.5 }, /chunkSize must be a whole number >= 1, got 1.5/],
    [{ timeoutMs: 0 }, /timeoutMs must be > 0 ms, got 0/],
    [{ missing: 'skip' }, /missing must be 'drop', 'keep' or 'deadLetter', got 'skip'/],
  ];
  for (const [options, message] of cases) {
    await runWithDeadLetters([[]], (s: DStream<string>) => {
      t.throws(() => s.joinLookup(lookup, (r) => r, options), { instanceOf: ConfigurationError, message });
      return s;
    });
  }
});
