/**
 * PutRecords entries within the service's limits: a record's data and partition key together at
 * most 1 MiB, a partition key of 1 to 256 characters, and at most 500 records and 5 MiB per call.
 */
import type { PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { KindlingError } from '../../lib/index.js';

/** Most records in one PutRecords call. */
export const MAX_RECORDS_PER_CALL = 500;
/** Most bytes (data and partition keys) in one PutRecords call. */
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
/** Most bytes of one record: its data and its partition key. */
export const MAX_RECORD_BYTES = 1024 * 1024;

/** One record ready to put, with its size as the service counts it. */
export interface KinesisEntry {
  readonly entry: PutRecordsRequestEntry;
  readonly bytes: number;
}

const encoder = new TextEncoder();

/**
 * The entry of one record. Throws a KindlingError (the record goes to the dead letters with
 * `onRecordError: 'deadLetter'`) when the key is empty or too long, or the record is over 1 MiB.
 */
export function toEntry(
  partitionKey: string,
  data: Uint8Array | string,
  explicitHashKey: string | undefined,
  maxRecordBytes = MAX_RECORD_BYTES,
): KinesisEntry {
  if (typeof partitionKey !== 'string' || partitionKey.length < 1 || partitionKey.length > 256) {
    throw new KindlingError(
      `a Kinesis partition key must be a string of 1 to 256 characters, got ${
        typeof partitionKey === 'string' ? `${partitionKey.length} characters` : typeof partitionKey
      }`,
    );
  }
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  if (!(bytes instanceof Uint8Array)) {
    throw new KindlingError(
      `the data of a Kinesis record must be a Uint8Array or a string, got ${typeof data}`,
    );
  }
  const size = bytes.byteLength + encoder.encode(partitionKey).byteLength;
  if (size > maxRecordBytes) {
    throw new KindlingError(
      `a Kinesis record of ${size} bytes (data and partition key) is over the limit of ${maxRecordBytes} bytes; ` +
        'split it, or compress it, before the output',
    );
  }
  const entry: PutRecordsRequestEntry = {
    PartitionKey: partitionKey,
    Data: bytes,
    ...(explicitHashKey === undefined ? {} : { ExplicitHashKey: explicitHashKey }),
  };
  return { entry, bytes: size };
}

/** Cuts `entries`, in order, into calls of at most 500 records and 5 MiB each. */
export function chunkEntries(
  entries: readonly KinesisEntry[],
  maxRecords = MAX_RECORDS_PER_CALL,
  maxBytes = MAX_BYTES_PER_CALL,
): KinesisEntry[][] {
  const chunks: KinesisEntry[][] = [];
  let chunk: KinesisEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    if (chunk.length > 0 && (chunk.length >= maxRecords || bytes + entry.bytes > maxBytes)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(entry);
    bytes += entry.bytes;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
