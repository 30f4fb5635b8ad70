/**
 * The HBase lookup against a real HBase 2.6 (standalone, `scripts/servers/hbase.ts`): present and
 * absent keys, a table created after the client's first lookup, relocation through the reversed
 * meta scan after a region error (a split, and a stale cached region), the round trips of 10 000
 * keys, and a server that cannot be reached.
 */
import test from 'ava';
import { KindlingError, ManualClock, StreamingContext, SystemClock } from '../../../lib/index.js';
import { hbaseLookup } from '../../../lookups/hbase/index.js';
import { logServerOnFailure, uniqueName } from '../../helpers/servers.js';
import { admin, createTable, createTables, zookeeper } from '../../helpers/hbase.js';

interface Profile {
  name: string;
  city?: string;
  age?: number;
}

// The tables of every test, created in one admin call (a JVM start each costs seconds).
const tables = {
  profiles: uniqueName('profiles'),
  first: uniqueName('first'),
  split: uniqueName('split'),
  stale: uniqueName('stale'),
  big: uniqueName('big'),
  changing: uniqueName('changing'),
};

test.before(async (t) => {
  t.timeout(120_000);
  await createTables({
    [tables.profiles]: 'p,s',
    [tables.first]: 'p',
    [tables.split]: 'p',
    [tables.stale]: 'p',
    [tables.big]: 'p',
    [tables.changing]: 'p',
  });
});

const cells = (entries: Record<string, string>): Map<string, Buffer> =>
  new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v)]));

test('present keys are answered with their mapped fields, absent keys are left out', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hbase');
  const table = tables.profiles;
  const lookup = hbaseLookup<string, Profile>({
    zookeeper: zookeeper(),
    table,
    columns: { name: 'p:name', city: 'p:city', age: 's:age' },
    decode: (value, field) => (field === 'age' ? Number(value.toString()) : value.toString()),
  });
  t.teardown(() => lookup.close?.());
  await lookup.adapter.multiPut(table, [
    {
      row: Buffer.from('ada'),
      cells: cells({ 'p:name': 'Ada', 'p:city': 'London', 's:age': '36', 'p:other': 'x' }),
    },
    { row: Buffer.from('grace'), cells: cells({ 'p:name': 'Grace', 's:age': '85' }) },
    { row: Buffer.from('ghost'), cells: cells({ 'p:unmapped': 'x' }) },
  ]);
  const found = await lookup.getAll(['ada', 'nobody', 'grace', 'ghost']);
  t.deepEqual(
    [...found].sort(([a], [b]) => a.localeCompare(b)),
    [
      ['ada', { name: 'Ada', city: 'London', age: 36 }],
      ['grace', { name: 'Grace', age: 85 }],
    ],
  );
});

test('joined through the engine, a changed row is seen from the next batch on', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hbase');
  const table = tables.changing;
  const lookup = hbaseLookup<string, { name: string }>({
    zookeeper: zookeeper(),
    table,
    columns: { name: 'p:name' },
  });
  t.teardown(() => lookup.close?.());
  await lookup.adapter.multiPut(table, [{ row: Buffer.from('ada'), cells: cells({ 'p:name': 'Ada' }) }]);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'hbase-refresh' });
  const seen: [number, string, string | undefined][] = [];
  ssc
    .queueStream([
      ['ada', 'grace'],
      ['ada', 'grace'],
    ])
    .joinLookup(lookup, (key) => key, { missing: 'keep' })
    .foreachBatch((pairs, time) => {
      for (const [key, value] of pairs) seen.push([time, key, value?.name]);
    });
  await ssc.start();
  await clock.advance(1000);
  await lookup.adapter.multiPut(table, [
    { row: Buffer.from('ada'), cells: cells({ 'p:name': 'Ada L.' }) },
    { row: Buffer.from('grace'), cells: cells({ 'p:name': 'Grace' }) },
  ]);
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(seen, [
    [1000, 'ada', 'Ada'],
    [1000, 'grace', undefined],
    [2000, 'ada', 'Ada L.'],
    [2000, 'grace', 'Grace'],
  ]);
});

test('a table created after the first lookup is found, and a missing table fails clearly', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hbase');
  const first = tables.first;
  const later = uniqueName('later');
  const firstLookup = hbaseLookup<string, { name: string }>({
    zookeeper: zookeeper(),
    table: first,
    columns: { name: 'p:name' },
  });
  t.teardown(() => firstLookup.close?.());
  await firstLookup.adapter.multiPut(first, [{ row: Buffer.from('k1'), cells: cells({ 'p:name': 'one' }) }]);
  t.deepEqual([...(await firstLookup.getAll(['k1']))], [['k1', { name: 'one' }]]);

  // The same connection, asked for a table that does not exist yet: a clear, non-retriable error.
  const laterLookup = hbaseLookup<string, { name: string }>({
    adapter: firstLookup.adapter,
    table: later,
    columns: { name: 'p:name' },
  });
  const missing = await t.throwsAsync(laterLookup.getAll(['k2']), { instanceOf: KindlingError });
  t.regex(missing?.message ?? '', new RegExp(`HBase table '${later}' does not exist`));
  t.false(missing?.retriable);

  await createTable(later, 'p');
  await firstLookup.adapter.multiPut(later, [{ row: Buffer.from('k2'), cells: cells({ 'p:name': 'two' }) }]);
  t.deepEqual([...(await laterLookup.getAll(['k2', 'k1']))], [['k2', { name: 'two' }]]);
});

test('after a split, the stale region is relocated through the reversed meta scan', async (t) => {
  t.timeout(120_000);
  logServerOnFailure(t, 'hbase');
  const table = tables.split;
  const lookup = hbaseLookup<string, { v: string }>({ zookeeper: zookeeper(), table, columns: { v: 'p:v' } });
  t.teardown(() => lookup.close?.());
  const keys = 'abcdefghijklmnopqrstuvwxyz'.split('');
  await lookup.adapter.multiPut(
    table,
    keys.map((k) => ({ row: Buffer.from(k), cells: cells({ 'p:v': k.toUpperCase() }) })),
  );
  t.is((await lookup.getAll(keys)).size, 26);
  const before = lookup.adapter.cachedRegion(table, Buffer.from('a'));
  t.truthy(before);
  t.is(before?.endKey.length, 0, 'one region holds the whole table');

  await admin('split', table, 'm');
  const scans = lookup.adapter.roundTrips.metaScans;
  const found = await lookup.getAll(keys);
  t.deepEqual(
    keys.map((k) => found.get(k)?.v),
    keys.map((k) => k.toUpperCase()),
  );
  const low = lookup.adapter.cachedRegion(table, Buffer.from('a'));
  const high = lookup.adapter.cachedRegion(table, Buffer.from('z'));
  t.is(low?.endKey.toString(), 'm', 'the daughter below the split point');
  t.is(high?.startKey.toString(), 'm', 'the daughter above it');
  t.not(low?.name.toString(), before?.name.toString());
  t.true(lookup.adapter.roundTrips.metaScans >= scans + 2, 'each daughter was located in hbase:meta');
});

test('a stale cached region makes the first attempt fail, and the retry relocates it', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hbase');
  const table = tables.stale;
  const lookup = hbaseLookup<string, { v: string }>({ zookeeper: zookeeper(), table, columns: { v: 'p:v' } });
  t.teardown(() => lookup.close?.());
  await lookup.adapter.multiPut(table, [{ row: Buffer.from('k'), cells: cells({ 'p:v': 'value' }) }]);
  const real = lookup.adapter.cachedRegion(table, Buffer.from('k'));
  if (!real) return t.fail('the region of k is cached after a put');
  // A region the server does not serve (as after a table was dropped and created again).
  lookup.adapter.clearRegionCache(table);
  const stale = { ...real, name: Buffer.from(`${table},,1.00000000000000000000000000000000.`) };
  lookup.adapter.client.cacheLocation(Buffer.from(table), stale);
  const { metaScans, multi } = lookup.adapter.roundTrips;
  t.deepEqual([...(await lookup.getAll(['k']))], [['k', { v: 'value' }]]);
  t.is(lookup.adapter.roundTrips.multi, multi + 2, 'one refused call, one that succeeded');
  t.is(lookup.adapter.roundTrips.metaScans, metaScans + 1, 'one reversed meta scan relocated the region');
  t.is(lookup.adapter.cachedRegion(table, Buffer.from('k'))?.name.toString(), real.name.toString());
});

test('10 000 distinct keys cost one meta scan and 10 Multi calls of 1000', async (t) => {
  t.timeout(120_000);
  logServerOnFailure(t, 'hbase');
  const table = tables.big;
  const keys = Array.from({ length: 10_000 }, (_, i) => `user${String(i).padStart(5, '0')}`);
  const writer = hbaseLookup<string, { n: string }>({ zookeeper: zookeeper(), table, columns: { n: 'p:n' } });
  t.teardown(() => writer.close?.());
  for (let i = 0; i < keys.length; i += 1000) {
    await writer.adapter.multiPut(
      table,
      keys
        .slice(i, i + 1000)
        .map((k, j) => ({ row: Buffer.from(k), cells: cells({ 'p:n': String(i + j) }) })),
    );
  }
  const lookup = hbaseLookup<string, { n: string }>({ zookeeper: zookeeper(), table, columns: { n: 'p:n' } });
  t.teardown(() => lookup.close?.());
  const asked = [...keys.slice(0, 9990), ...Array.from({ length: 10 }, (_, i) => `absent${i}`)];
  const found = await lookup.getAll(asked);
  t.is(found.size, 9990);
  t.is(found.get('user04321')?.n, '4321');
  t.false(found.has('absent3'));
  t.like(lookup.adapter.roundTrips, { metaScans: 1, scan: 1, multi: 10, get: 0, total: 11 });
});

test('an unreachable server is retried with back-off, then fails with a retriable error', async (t) => {
  t.timeout(30_000);
  const lookup = hbaseLookup<string, unknown>({
    zookeeper: '127.0.0.1:1',
    table: 'anything',
    columns: { v: 'p:v' },
    requestTimeoutMs: 300,
    maxAttempts: 3,
    backoff: { initialDelay: 10, maxDelay: 20 },
    clock: new SystemClock(),
  });
  t.teardown(() => lookup.close?.());
  const error = await t.throwsAsync(lookup.getAll(['k']), { instanceOf: KindlingError });
  t.true(error?.retriable);
  t.regex(error?.message ?? '', /hbaseLookup 'hbase anything': .*no answer within 300 ms/);
});

test('options are checked when the lookup is made', (t) => {
  t.throws(() => hbaseLookup({ zookeeper: 'nohost', table: 't', columns: { v: 'p:v' } }), {
    message: /zookeeper must be 'host:port/,
  });
  t.throws(() => hbaseLookup({ zookeeper: '127.0.0.1:2181', table: 'bad table', columns: { v: 'p:v' } }), {
    message: /table must be/,
  });
  t.throws(() => hbaseLookup({ zookeeper: '127.0.0.1:2181', table: 't', columns: { v: 'novalue' } }), {
    message: /column of field 'v' must be 'family:qualifier'/,
  });
  t.throws(() => hbaseLookup({ zookeeper: '127.0.0.1:2181', table: 't', columns: {} }), {
    message: /columns must map/,
  });
  t.throws(
    () => hbaseLookup({ zookeeper: '127.0.0.1:2181', table: 't', columns: { v: 'p:v' }, chunkSize: 0 }),
    {
      message: /chunkSize must be a whole number/,
    },
  );
});
