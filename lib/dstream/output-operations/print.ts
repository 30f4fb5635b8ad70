/** The text `print()` writes for one batch, laid out as Spark's `DStream.print` does. */
export function formatBatch(records: readonly unknown[], time: number, n: number): string {
  const rule = '-------------------------------------------';
  const lines = [rule, `Time: ${time} ms`, rule];
  for (const record of records.slice(0, n)) lines.push(formatRecord(record));
  if (records.length > n) lines.push('...');
  lines.push('');
  return lines.join('\n');
}

/** A record as print shows it: pairs as `(k,v)`, like Scala tuples; objects as JSON. */
export function formatRecord(record: unknown): string {
  if (Array.isArray(record)) return `(${record.map(formatRecord).join(',')})`;
  if (record !== null && typeof record === 'object') return JSON.stringify(record);
  return String(record);
}
