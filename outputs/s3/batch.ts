/**
 * One batch of the S3 output as objects: `<prefix>batch=<time>/part-00000.<ext>`... and the
 * `_manifest` that commits them, written last; and the reader that trusts only committed batches.
 */
import { KindlingError } from '../../lib/index.js';
import type { S3Connection } from '../../systems/s3/client.js';
import { deleteObjects, getObject, listObjects, putObject } from '../../systems/s3/objects.js';
import { formatRows, parseRows, type RowFormat } from '../../systems/rows/rows.js';

/** The name of the object that commits a batch's folder. */
export const MANIFEST = '_manifest';

/** What a batch's `_manifest` object holds (JSON). */
export interface S3BatchManifest {
  /** The batch time of the batch, ms. */
  readonly batchTime: number;
  /** How the parts are encoded: `jsonl` or `csv`. */
  readonly format: RowFormat;
  /** Records of the batch, all parts summed. */
  readonly records: number;
  /** The part objects of the batch, full keys, in order. */
  readonly parts: readonly {
    /** The part's object key, prefix included. */
    readonly key: string;
    /** Records in the part. */
    readonly records: number;
    /** The part object's size, bytes. */
    readonly bytes: number;
  }[];
}

/** How a batch is laid out. */
export interface S3BatchLayout {
  readonly bucket: string;
  /** The prefix the batch folders go under ('' or ending `/`). */
  readonly prefix: string;
  readonly format: RowFormat;
  readonly recordsPerPart: number;
  readonly csvColumns?: readonly string[];
  readonly csvDelimiter?: string;
}

/** The folder (prefix) of the batch at `time`. */
export function batchFolder(prefix: string, time: number): string {
  return `${prefix}batch=${time}/`;
}

/**
 * Writes the batch at `time`: uncommits the folder (deletes its manifest), writes the parts
 * (same keys as any earlier run of the batch), deletes parts an earlier run wrote beyond them,
 * then writes the manifest listing the parts. Running it again for the same time leaves the
 * same objects.
 *
 * @example
 * await writeS3Batch(conn, { bucket: 'out', prefix: 'counts/', format: 'jsonl', recordsPerPart: 1e5 }, 1000, rows);
 */
export async function writeS3Batch(
  conn: S3Connection,
  layout: S3BatchLayout,
  time: number,
  records: readonly unknown[],
): Promise<S3BatchManifest> {
  const folder = batchFolder(layout.prefix, time);
  const ext = layout.format === 'csv' ? 'csv' : 'jsonl';
  const type = layout.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  const bodies = serialize(layout, time, records);
  const before = await listObjects(conn, layout.bucket, folder);
  if (before.some((o) => o.key === folder + MANIFEST)) {
    await deleteObjects(conn, layout.bucket, [folder + MANIFEST]);
  }
  const parts: { key: string; records: number; bytes: number }[] = [];
  for (const [i, part] of bodies.entries()) {
    const key = `${folder}part-${String(i).padStart(5, '0')}.${ext}`;
    await putObject(conn, layout.bucket, key, part.body, type);
    parts.push({ key, records: part.records, bytes: part.body.byteLength });
  }
  const written = new Set(parts.map((p) => p.key));
  const stale = before.map((o) => o.key).filter((k) => !written.has(k) && k !== folder + MANIFEST);
  if (stale.length > 0) await deleteObjects(conn, layout.bucket, stale);
  const manifest: S3BatchManifest = {
    batchTime: time,
    format: layout.format,
    records: records.length,
    parts,
  };
  const json = new TextEncoder().encode(`${JSON.stringify(manifest, null, 1)}\n`);
  await putObject(conn, layout.bucket, folder + MANIFEST, json, 'application/json');
  return manifest;
}

function serialize(
  layout: S3BatchLayout,
  time: number,
  records: readonly unknown[],
): { body: Uint8Array; records: number }[] {
  const encoder = new TextEncoder();
  const columns =
    layout.format === 'csv' ? (layout.csvColumns ?? Object.keys((records[0] ?? {}) as object)) : undefined;
  const parts: { body: Uint8Array; records: number }[] = [];
  for (let start = 0; start < records.length; start += layout.recordsPerPart) {
    const chunk = records.slice(start, start + layout.recordsPerPart);
    let text: string;
    try {
      text = formatRows(chunk, layout.format, {
        ...(columns === undefined ? {} : { columns }),
        ...(layout.csvDelimiter === undefined ? {} : { delimiter: layout.csvDelimiter }),
      });
    } catch (error) {
      const bad = chunk.findIndex((r) => {
        try {
          formatRows([r], layout.format, columns === undefined ? {} : { columns });
          return false;
        } catch {
          return true;
        }
      });
      throw new KindlingError(
        `s3Output: record ${start + bad} of the batch at ${time} cannot be written as ${layout.format} ` +
          `(${(error as Error).message}); nothing of this batch was committed`,
        { cause: error },
      );
    }
    parts.push({ body: encoder.encode(text), records: chunk.length });
  }
  return parts;
}

/**
 * The records of the committed batch at `time` (its manifest's parts, in order), or `undefined`
 * when the batch is not committed (no manifest): what a reader of the output should trust.
 *
 * @example
 * const rows = await readS3Batch(conn, { bucket: 'out', prefix: 'counts/' }, 1000);
 */
export async function readS3Batch(
  conn: S3Connection,
  where: { readonly bucket: string; readonly prefix: string },
  time: number,
): Promise<unknown[] | undefined> {
  const folder = batchFolder(where.prefix, time);
  const got = await getObject(conn, where.bucket, folder + MANIFEST);
  if (!got) return undefined;
  const manifest = JSON.parse(new TextDecoder().decode(got.data)) as S3BatchManifest;
  const rows: unknown[] = [];
  for (const part of manifest.parts) {
    const object = await getObject(conn, where.bucket, part.key);
    if (!object) {
      throw new KindlingError(`s3://${where.bucket}/${part.key}, listed in the batch's manifest, is missing`);
    }
    rows.push(
      ...parseRows(
        new TextDecoder().decode(object.data),
        manifest.format,
        `s3://${where.bucket}/${part.key}`,
        {},
        'object',
      ),
    );
  }
  return rows;
}
