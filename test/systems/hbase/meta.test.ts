/**
 * The adapter's HBase 2 region location, without a server: the reversed meta scan request (as
 * the library encodes it on the wire) and the choice of region among meta rows built from
 * RegionInfo protobuf bytes; and the library's errors as KindlingErrors.
 */
import test from 'ava';
import { KindlingError } from '../../../lib/index.js';
import { toKindlingError } from '../../../systems/hbase/errors.js';
import { hbaseLibrary, type LibraryRow } from '../../../systems/hbase/library.js';
import { metaScanRequest, pickRegion } from '../../../systems/hbase/meta.js';

const { RegionInfo, ScanRequest } = hbaseLibrary('the test');

interface RegionFields {
  table?: string;
  start?: string;
  end?: string;
  id?: number;
  offline?: boolean;
  split?: boolean;
  server?: string | null;
}

/** A row of hbase:meta as the library parses it, its `info:regioninfo` cell "PBUF" + RegionInfo. */
function metaRow(fields: RegionFields): LibraryRow {
  const { table = 'users', start = '', end = '', id = 1700000000000, server = '127.0.0.1:16020' } = fields;
  const [namespace, qualifier] = table.includes(':') ? table.split(':') : ['default', table];
  const info = new RegionInfo({
    regionId: id,
    tableName: { namespace: Buffer.from(namespace ?? ''), qualifier: Buffer.from(qualifier ?? '') },
    startKey: Buffer.from(start),
    endKey: Buffer.from(end),
    offline: fields.offline ?? false,
    split: fields.split ?? false,
  }).toBuffer();
  const cols: Record<string, { value: Buffer }> = {
    'info:regioninfo': { value: Buffer.concat([Buffer.from('PBUF'), info]) },
  };
  if (server !== null) cols['info:server'] = { value: Buffer.from(server) };
  return { row: Buffer.from(`${table},${start},${id}.abcdef.`), cols };
}

const users = Buffer.from('users');

test('the meta scan is reversed, from <table>,<row>,99999999999999 down to <table>,,', (t) => {
  const request = metaScanRequest(users, Buffer.from('u42'));
  // Through the library's own ScanRequest message, as it goes on the wire.
  const wire = ScanRequest.decode(new ScanRequest(request).toBuffer());
  t.true(wire.scan.reversed);
  t.is(wire.scan.startRow.toBuffer().toString(), 'users,u42,99999999999999');
  t.is(wire.scan.stopRow.toBuffer().toString(), 'users,,');
  t.true(wire.closeScanner, 'one call opens, reads and closes');
  t.is(wire.numberOfRows, 5);
  t.is(wire.region.value.toBuffer().toString(), 'hbase:meta,,1');
});

test('the first region row of the table is the region of the row', (t) => {
  const region = pickRegion(
    [metaRow({ start: 'm', end: 't' }), metaRow({ end: 'm' })],
    users,
    Buffer.from('p'),
  );
  t.is(region.name.toString(), 'users,m,1700000000000.abcdef.');
  t.is(region.server.toString(), '127.0.0.1:16020');
  t.is(region.startKey.toString(), 'm');
  t.is(region.endKey.toString(), 't');
  t.is(region.ts, '1700000000000');
});

test('a split parent is skipped for the daughter below it', (t) => {
  const rows = [
    metaRow({ start: 'a', end: 'z', id: 2, offline: true, split: true }),
    metaRow({ start: 'a', end: 'm', id: 3 }),
  ];
  t.is(pickRegion(rows, users, Buffer.from('c')).endKey.toString(), 'm');
});

test('a namespaced table matches its namespace; `default:` is the plain name', (t) => {
  t.is(
    pickRegion(
      [metaRow({ table: 'app:users' })],
      Buffer.from('app:users'),
      Buffer.from('k'),
    ).server.toString(),
    '127.0.0.1:16020',
  );
  t.truthy(pickRegion([metaRow({})], Buffer.from('default:users'), Buffer.from('k')));
});

test('no row, or another table`s row, means the table does not exist (not retriable)', (t) => {
  for (const rows of [[], [metaRow({ table: 'userz' })]]) {
    const error = t.throws(() => pickRegion(rows, users, Buffer.from('k')), { instanceOf: KindlingError });
    t.regex(error?.message ?? '', /HBase table 'users' does not exist/);
    t.false(error?.retriable);
  }
});

test('an offline region, one without a server, or a hole are retriable', (t) => {
  const cases: Array<[LibraryRow, RegExp]> = [
    [metaRow({ offline: true }), /is offline/],
    [metaRow({ server: null }), /has no server yet/],
    [metaRow({ start: 'a', end: 'c' }), /no region of table 'users' holding row "k"/],
  ];
  for (const [row, message] of cases) {
    const error = t.throws(() => pickRegion([row], users, Buffer.from('k')), { instanceOf: KindlingError });
    t.regex(error?.message ?? '', message);
    t.true(error?.retriable);
  }
});

test('the library`s errors become KindlingErrors that say whether a retry helps', (t) => {
  const timedOut = toKindlingError('timedout', 'reading');
  t.is(timedOut.message, 'reading: the call timed out');
  t.true(timedOut.retriable);
  // An action's exception: a NameBytesPair of the class name and the stack trace's bytes.
  const family = toKindlingError(
    {
      name: 'org.apache.hadoop.hbase.regionserver.NoSuchColumnFamilyException',
      value: {
        toBuffer: () =>
          Buffer.from('org.apache...NoSuchColumnFamilyException: Column family x does not exist\n\tat ...'),
      },
    },
    'writing',
  );
  t.is(family.message, 'writing: org.apache...NoSuchColumnFamilyException: Column family x does not exist');
  t.false(family.retriable);
  const moved = toKindlingError(
    {
      exceptionClassName: 'org.apache.hadoop.hbase.NotServingRegionException',
      stackTrace: 'NotServingRegionException: r\n',
    },
    'reading',
  );
  t.true(moved.retriable);
});
