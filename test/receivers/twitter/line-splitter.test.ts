/** Cutting a streaming response into lines: CRLF, lines across chunks, keep-alives, oversized and cut lines. */
import test from 'ava';
import { LineSplitter, type OversizedLine } from '../../../receivers/twitter/line-splitter.js';

const text = (items: (Buffer | OversizedLine)[]): (string | number)[] =>
  items.map((i) => (Buffer.isBuffer(i) ? i.toString('utf8') : i.bytes));

test('lines end with CRLF or LF; a blank line (a keep-alive) is an empty line', (t) => {
  const lines = new LineSplitter(100);
  t.deepEqual(text(lines.write(Buffer.from('{"a":1}\r\n\r\n{"b":2}\n'))), ['{"a":1}', '', '{"b":2}']);
  t.is(lines.end(), undefined);
});

test('a line and its CRLF split across chunks are put back together', (t) => {
  const lines = new LineSplitter(100);
  t.deepEqual(text(lines.write(Buffer.from('{"a":'))), []);
  t.deepEqual(text(lines.write(Buffer.from('1}\r'))), []);
  t.deepEqual(text(lines.write(Buffer.from('\n\r'))), ['{"a":1}']);
  t.deepEqual(text(lines.write(Buffer.from('\n'))), ['']);
});

test('a line over the limit is counted, not kept: its first bytes and length', (t) => {
  const lines = new LineSplitter(10);
  const out = lines.write(Buffer.from('0123456789\r\n0123456789ABCDEF'));
  t.deepEqual(text(out), ['0123456789']);
  const rest = lines.write(Buffer.from('GHIJ\r\nok\r\n'));
  t.deepEqual(text(rest), [20, 'ok']);
  t.is((rest[0] as OversizedLine).prefix.toString(), '0123456789ABCDEFGHIJ');
});

test('end() gives the line a disconnect cut off', (t) => {
  const lines = new LineSplitter(100);
  lines.write(Buffer.from('{"data":{"id":"1"}}\r\n{"data":{"i'));
  const cut = lines.end();
  t.true(Buffer.isBuffer(cut));
  t.is((cut as Buffer).toString(), '{"data":{"i');
  t.is(lines.end(), undefined);
});
