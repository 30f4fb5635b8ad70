/**
 * How a parallel stage's records cross threads (record-transfer.ts): records of one shape with
 * primitive fields go as columns, anything else as it is, and either way the other side gets what
 * a structured clone of the records gives (structuredClone is the algorithm postMessage uses).
 */
import test from 'ava';
import {
  receiveRecords,
  sendRecords,
  type SentRecords,
} from '../../../../lib/dstream/parallel/record-transfer.js';

/** The records as a worker gets them: sent, cloned across, rebuilt. */
function across(records: readonly unknown[], from?: number, to?: number): unknown[] {
  return receiveRecords(structuredClone(sendRecords(records, from, to)) as SentRecords);
}

const sentAsColumns = (records: readonly unknown[]): boolean => !Array.isArray(sendRecords(records));

test('objects of one shape cross as columns and arrive as a structured clone of them', (t) => {
  const records = [
    { id: '1', userId: '9', label: 'positive' },
    { id: '2', userId: '8', label: 'neutral' },
  ];
  t.deepEqual(sendRecords(records), {
    keys: ['id', 'userId', 'label'],
    columns: [
      ['1', '2'],
      ['9', '8'],
      ['positive', 'neutral'],
    ],
  });
  const received = across(records);
  t.deepEqual(received, structuredClone(records));
  t.deepEqual(
    received.map((r) => Object.keys(r as object)),
    records.map((r) => Object.keys(r)),
  );
  t.is(Object.getPrototypeOf(received[0]), Object.prototype);
});

test('tuples of one length cross as columns', (t) => {
  const pairs: [string, number][] = [
    ['a', 1],
    ['b', 2],
    ['c', 3],
  ];
  t.deepEqual(sendRecords(pairs), {
    columns: [
      ['a', 'b', 'c'],
      [1, 2, 3],
    ],
  });
  t.deepEqual(across(pairs), pairs);
  t.true(Array.isArray(across(pairs)[0]));
});

test('every primitive keeps its value: undefined, null, -0, NaN, bigint, booleans', (t) => {
  const records = [
    { a: undefined, b: null, c: -0, d: NaN, e: 10n ** 20n, f: true },
    { a: 'x', b: 0, c: 0, d: Infinity, e: 1n, f: false },
  ];
  t.true(sentAsColumns(records));
  const [first, second] = across(records) as (typeof records)[number][];
  t.true(first !== undefined && Object.hasOwn(first, 'a') && first.a === undefined);
  t.true(Object.is(first?.c, -0));
  t.true(Number.isNaN(first?.d));
  t.is(first?.e, 10n ** 20n);
  t.deepEqual(second, records[1]);
});

test('a part of the records: from and to', (t) => {
  const records = [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }];
  t.deepEqual(across(records, 1, 3), [{ n: 2 }, { n: 3 }]);
  t.deepEqual(across(['a', 'b', 'c'], 1, 2), ['b']);
  t.deepEqual(across(records, 2, 2), []);
});

const AS_THEY_ARE: readonly [string, () => unknown[]][] = [
  ['primitives', () => ['a', 'b']],
  [
    'keys in another order',
    () => [
      { a: 1, b: 2 },
      { b: 2, a: 1 },
    ],
  ],
  ['a key more', () => [{ a: 1 }, { a: 1, b: 2 }]],
  ['a key fewer', () => [{ a: 1, b: 2 }, { a: 1 }]],
  ['an object field', () => [{ a: 1 }, { a: { b: 2 } }]],
  ['an array field', () => [['k', [1, 2]]]],
  ['a typed array over shared memory', () => [{ flag: new Int32Array(new SharedArrayBuffer(4)) }]],
  ['tuples of two lengths', () => [['a', 1], ['b']]],
  ['a hole in a tuple', () => [['a', 1], Object.assign(new Array<unknown>(2), { 0: 'b' })]],
  ['an object and a tuple', () => [{ 0: 'a' }, ['a']]],
  ['class instances', () => [new Date(0), new Date(1)]],
  ['a Map', () => [new Map([['a', 1]])]],
  ['objects without a prototype', () => [Object.assign(Object.create(null) as object, { a: 1 })]],
  ['a __proto__ key', () => [JSON.parse('{"__proto__": 1, "a": 2}') as unknown]],
  ['a null record', () => [{ a: 1 }, null]],
  ['no fields', () => [{}, {}]],
  ['empty tuples', () => [[], []]],
];

for (const [name, make] of AS_THEY_ARE) {
  test(`records with ${name} cross as they are, as a structured clone of them`, (t) => {
    const records = make();
    t.false(sentAsColumns(records));
    t.deepEqual(across(records), structuredClone(records));
  });
}

test('a __proto__ key stays a field, not a prototype', (t) => {
  const [record] = across([JSON.parse('{"__proto__": 1, "a": 2}') as unknown]);
  t.deepEqual(Object.keys(record as object), ['__proto__', 'a']);
  t.is(Object.getPrototypeOf(record), Object.prototype);
});

test('one record given twice arrives as one object given twice, as in a structured clone', (t) => {
  const shared = { n: 1 };
  const records = [shared, { n: 2 }, shared];
  t.false(sentAsColumns(records));
  const received = across(records);
  t.is(received[0], received[2]);
  t.not(received[0], received[1]);
});

test('a field that cannot be cloned still fails to cross', (t) => {
  t.throws(() => across([{ f: () => 1 }, { f: () => 2 }]), { any: true, name: 'DataCloneError' });
  t.throws(() => across([{ s: Symbol('s') }, { s: Symbol('t') }]), { any: true, name: 'DataCloneError' });
});
