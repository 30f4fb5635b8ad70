/**
 * The HBase output against a real HBase 2.6 (`scripts/servers/hbase.ts`): rows read back exactly,
 * rows of one key merged, a batch run again leaves the same rows (no duplicates), a missing
 * family fails the batch with the server's error, and options are checked.
 */
import test from 'ava';
import { ManualClock, StreamingContext } from '../../../lib/index.js';
import { HBaseAdapter } from '../../../lookups/hbase/index.js';
import type { LibraryRow } from '../../../systems/hbase/library.js';
import { hbaseOutput } from '../../../outputs/hbase/index.js';
import { runOutputJob } from '../../helpers/outputs.js';
import { logServerOnFailure, uniqueName } from '../../helpers/servers.js';
import { createTables, zookeeper } from '../../helpers/hbase.js';

interface Tweet {
  readonly id: string;
  readonly user: string;
  readonly likes?: number;
  readonly tags?: readonly string[];
}

/** Every row of `table`, by a forward scan: row key to { 'family:qualifier': value }. */
async function readTable(
  adapter: HBaseAdapter,
  table: string,
): Promise<Record<string, Record<string, string>>> {
  const scanner = (
    adapter.client as unknown as {
      getScanner(table: string): { toArray(done: (error: unknown, rows: LibraryRow[]) => void): void };
    }
  ).getScanner(table);
  const rows = await new Promise<LibraryRow[]>((resolve, reject) =>
    scanner.toArray((error, found) => (error ? reject(error) : resolve(found))),
  );
  return Object.fromEntries(
    rows.map((row) => [
      row.row.toString(),
      Object.fromEntries(
        Object.entries(row.cols).map(([column, cell]) => [
          column,
          (Array.isArray(cell) ? cell[0] : cell).value.toString(),
        ]),
      ),
    ]),
  );
}

/** Runs a job writing `batches` to `table`; resolves with the errors of failed batches. */
const tables = { tweets: uniqueName('tweets'), nofamily: uniqueName('nofamily') };

test.before(async (t) => {
  t.timeout(120_000);
  await createTables({ [tables.tweets]: 'p,m', [tables.nofamily]: 'p' });
});

async function run(table: string, batches: Tweet[][], adapter: HBaseAdapter): Promise<Error[]> {
  const job = await runOutputJob('hbase', batches, (stream) =>
    hbaseOutput(stream, {
      adapter,
      table,
      rowKey: (t) => t.id,
      columns: { user: 'p:user', likes: 'p:likes', tags: 'm:tags' },
      cellTimestamp: 'batchTime',
      chunkSize: 2,
    }),
  );
  // ssc.stop() closed the output (a shared adapter stays open: the test closes it).
  if (job.closes !== 1 || job.connectorErrors.length > 0) {
    throw new Error(`the output closed ${job.closes} times, with ${JSON.stringify(job.connectorErrors)}`);
  }
  return [...job.batchErrors];
}

test('rows read back exactly, and a batch run again leaves no duplicates', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hbase');
  const table = tables.tweets;
  const adapter = new HBaseAdapter({ zookeeper: zookeeper() });
  t.teardown(() => adapter.close());
  const batches: Tweet[][] = [
    [
      { id: 't1', user: 'ada', likes: 3, tags: ['a', 'b'] },
      { id: 't2', user: 'grace' },
      { id: 't1', user: 'ada', likes: 4 },
    ],
    [
      { id: 't3', user: 'alan', likes: 0 },
      { id: 't4', user: 'edsger', tags: [] },
      { id: 't5', user: 'barbara' },
    ],
  ];
  const expected = {
    t1: { 'p:user': 'ada', 'p:likes': '4', 'm:tags': '["a","b"]' },
    t2: { 'p:user': 'grace' },
    t3: { 'p:user': 'alan', 'p:likes': '0' },
    t4: { 'p:user': 'edsger', 'm:tags': '[]' },
    t5: { 'p:user': 'barbara' },
  };
  t.deepEqual(await run(table, batches, adapter), []);
  t.deepEqual(await readTable(adapter, table), expected);
  const multi = adapter.roundTrips.multi;
  // The same job again (as after a crash): the same rows, nothing added.
  t.deepEqual(await run(table, batches, adapter), []);
  t.deepEqual(await readTable(adapter, table), expected);
  t.is(
    adapter.roundTrips.multi - multi,
    3,
    'rows merged by key, 2 per call: 1 call for batch 1, 2 for batch 2',
  );
});

test('a family the table lacks fails the batch with the server error', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hbase');
  const table = tables.nofamily;
  const adapter = new HBaseAdapter({ zookeeper: zookeeper() });
  t.teardown(() => adapter.close());
  const errors = await run(table, [[{ id: 't1', user: 'ada', tags: ['x'] }]], adapter);
  t.is(errors.length, 1, 'the batch failed');
  t.regex(errors[0]?.message ?? '', /NoSuchColumnFamilyException: Column family m does not exist/);
  t.regex(
    errors[0]?.message ?? '',
    new RegExp(`hbaseOutput to '${table}': 1 rows of the batch of time 1000`),
  );
  t.is(adapter.roundTrips.multi, 1, 'not retried: no retry can add the family');
});

test('options are checked when the output is declared', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  const stream = ssc.queueStream<Tweet>([]);
  const base = {
    zookeeper: '127.0.0.1:2181',
    table: 't',
    columns: { user: 'p:user' },
    rowKey: (r: Tweet) => r.id,
  };
  t.throws(() => hbaseOutput(stream, { ...base, rowKey: undefined as unknown as (r: Tweet) => string }), {
    message: /rowKey must be a function/,
  });
  t.throws(() => hbaseOutput(stream, { ...base, columns: { user: 'user' } }), {
    message: /'family:qualifier'/,
  });
  t.throws(() => hbaseOutput(stream, { ...base, cellTimestamp: 'now' as 'server' }), {
    message: /cellTimestamp/,
  });
  t.throws(() => hbaseOutput(stream, { ...base, zookeeper: '' }), { message: /zookeeper must be/ });
});
