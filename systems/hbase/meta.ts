/**
 * Finding the region that holds a row, the HBase 2 way: a reversed scan of `hbase:meta` from the
 * row's would-be region name `<table>,<row>,99999999999999` down to `<table>,,`; the first region
 * row met (split parents skipped) is the region whose start key is the greatest at or below the
 * row. HBase 2 removed the `closest_row_before` Get that `hbase-rpc-client` sends instead.
 */
import { KindlingError } from '../../lib/index.js';
import { hbaseLibrary, type LibraryCell, type LibraryRegion, type LibraryRow } from './library.js';

/** The region id that sorts after every real one (HBase's `HConstants.NINES`). */
const NINES = '99999999999999';
/** Meta rows read per locate: the region, plus a few split parents that may sort before it. */
export const META_ROWS_PER_LOCATE = 5;
/** The name of the one `hbase:meta` region. */
export const META_REGION_NAME = Buffer.from('hbase:meta,,1');

/**
 * The ScanRequest fields of the reversed meta scan for `row` of `table`: one call that opens the
 * scanner, reads up to {@link META_ROWS_PER_LOCATE} rows of the `info` family, and closes it.
 *
 * @example
 * metaScanRequest(Buffer.from('users'), Buffer.from('u1')).scan.startRow // 'users,u1,99999999999999'
 */
export function metaScanRequest(table: Buffer, row: Buffer) {
  const comma = Buffer.from(',');
  return {
    region: { type: 'REGION_NAME', value: META_REGION_NAME },
    numberOfRows: META_ROWS_PER_LOCATE,
    closeScanner: true,
    scan: {
      startRow: Buffer.concat([table, comma, row, comma, Buffer.from(NINES)]),
      stopRow: Buffer.concat([table, comma, comma]),
      reversed: true,
      column: [{ family: 'info' }],
    },
  };
}

function cell(row: LibraryRow, column: string): Buffer | undefined {
  const found: LibraryCell | readonly LibraryCell[] | undefined = row.cols[column];
  const first = Array.isArray(found)
    ? (found as readonly LibraryCell[])[0]
    : (found as LibraryCell | undefined);
  return first?.value;
}

/** `default:t` and `t` are the same table; other namespaces keep their prefix. */
export function canonicalTable(name: string): string {
  return name.startsWith('default:') ? name.slice('default:'.length) : name;
}

/** True when `key` lies in [start, end) (an empty end is the table's end). */
export function regionHolds(region: Pick<LibraryRegion, 'startKey' | 'endKey'>, key: Buffer): boolean {
  return (
    Buffer.compare(key, region.startKey) >= 0 &&
    (region.endKey.length === 0 || Buffer.compare(key, region.endKey) < 0)
  );
}

/**
 * Picks the region of `row` among the rows of a reversed meta scan (in scan order). Throws a
 * KindlingError: not retriable when the table does not exist, retriable when the region is
 * offline, has no server yet, or does not hold the row (a split or a move in progress).
 *
 * @example
 * const region = pickRegion(rows, Buffer.from('users'), Buffer.from('u1'));
 */
export function pickRegion(rows: readonly LibraryRow[], table: Buffer, row: Buffer): LibraryRegion {
  const wanted = canonicalTable(table.toString());
  for (const metaRow of rows) {
    const raw = cell(metaRow, 'info:regioninfo');
    if (!raw) continue;
    // The cell is "PBUF" then a RegionInfo message.
    const info = hbaseLibrary('the HBase connection').RegionInfo.decode(
      raw.subarray(raw.indexOf('PBUF') + 4),
    );
    const namespace = info.tableName.namespace.toBuffer().toString();
    const qualifier = info.tableName.qualifier.toBuffer().toString();
    const name = namespace === 'default' ? qualifier : `${namespace}:${qualifier}`;
    if (name !== wanted) break;
    // A split parent stays in meta, offline, until its daughters are compacted: skip it.
    if (info.offline === true && info.split === true) continue;
    const region: LibraryRegion = {
      name: metaRow.row,
      server: cell(metaRow, 'info:server') ?? Buffer.alloc(0),
      startKey: info.startKey?.toBuffer() ?? Buffer.alloc(0),
      endKey: info.endKey?.toBuffer() ?? Buffer.alloc(0),
      ts: info.regionId.toString(),
    };
    if (info.offline === true) {
      throw new KindlingError(`HBase region ${region.name.toString()} is offline; try again`, {
        retriable: true,
      });
    }
    if (region.server.length === 0) {
      throw new KindlingError(`HBase region ${region.name.toString()} has no server yet; try again`, {
        retriable: true,
      });
    }
    if (!regionHolds(region, row)) {
      throw new KindlingError(
        `HBase has no region of table '${wanted}' holding row ${JSON.stringify(row.toString())} ` +
          `(a split or merge in progress?); try again`,
        { retriable: true },
      );
    }
    return region;
  }
  throw new KindlingError(
    `HBase table '${wanted}' does not exist (no region in hbase:meta); create it first, e.g. ` +
      `create '${wanted}', '<family>' in the HBase shell`,
  );
}
