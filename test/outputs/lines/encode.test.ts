/** Line encoding shared by the file, socket and console outputs: CSV as RFC 4180, JSON Lines, text. */
import test from 'ava';
import { ConfigurationError } from '../../../lib/index.js';
import { encodeLines, lineEncoder } from '../../../outputs/lines/encode.js';

test('encoders: CSV has a header and CRLF, JSON Lines and text have LF', (t) => {
  const csv = lineEncoder<{ a: string }>('t', { format: 'csv', columns: ['a', 'b,c'] }, 'jsonl');
  t.is(csv.header, 'a,"b,c"\r\n');
  t.deepEqual([...encodeLines([{ a: '1' }, { a: '2' }], csv)], ['1,\r\n2,\r\n']);
  const jsonl = lineEncoder<unknown>('t', {}, 'jsonl');
  t.deepEqual([...encodeLines(['s', { a: [1] }, null], jsonl)], ['"s"\n{"a":[1]}\nnull\n']);
  const text = lineEncoder<unknown>('t', {}, 'text');
  t.deepEqual([...encodeLines(['s', { a: 1 }, 3], text)], ['s\n{"a":1}\n3\n']);
  const custom = lineEncoder<number>('t', { format: (n) => `n=${n}` }, 'text');
  t.deepEqual([...encodeLines([1, 2], custom)], ['n=1\nn=2\n']);
});

test('a record JSON cannot hold fails with its index in the batch', (t) => {
  const jsonl = lineEncoder<unknown>('t', {}, 'jsonl');
  t.throws(() => [...encodeLines([1, () => 2], jsonl)], {
    message: /^record 1 of the batch cannot be written/,
  });
  t.throws(() => [...encodeLines([1n], jsonl)], { message: /^record 0 of the batch cannot be written/ });
});

test('long batches come in chunks of about 64 KiB that add up to every line', (t) => {
  const text = lineEncoder<string>('t', {}, 'text');
  const lines = Array.from({ length: 50_000 }, (_, i) => `line ${i}`);
  const chunks = [...encodeLines(lines, text)];
  t.true(chunks.length > 1);
  t.is(chunks.join(''), lines.map((l) => `${l}\n`).join(''));
});

test('wrong format options are configuration errors that say what to do', (t) => {
  t.throws(() => lineEncoder('out', { format: 'yaml' as 'csv' }, 'jsonl'), {
    instanceOf: ConfigurationError,
    message: /out: format must be 'jsonl', 'csv', 'text' or a function/,
  });
  t.throws(() => lineEncoder('out', { format: 'csv', columns: [] }, 'jsonl'), {
    instanceOf: ConfigurationError,
  });
});
