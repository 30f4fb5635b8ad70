/**
 * The CSV parser of every connector (the file, S3 and HDFS lookups, the S3 batch reader):
 * quoting, doubled quotes, line ends, delimiters, empty lines and fields, and errors that name
 * the line. And the one CSV writer (every output's CSV): RFC 4180 quoting for any delimiter,
 * Dates as ISO 8601, and what it writes reads back.
 */
import test from 'ava';
import { ConfigurationError } from '../../../lib/index.js';
import { CsvSyntaxError, csvField, csvObjects, csvRow, parseCsv } from '../../../systems/rows/csv.js';

const fields = (text: string, delimiter?: string): string[][] =>
  parseCsv(text, delimiter).map((r) => r.fields);

test('plain fields, with or without a final line break', (t) => {
  t.deepEqual(fields('a,b,c\n1,2,3\n'), [
    ['a', 'b', 'c'],
    ['1', '2', '3'],
  ]);
  t.deepEqual(fields('a,b\n1,2'), [
    ['a', 'b'],
    ['1', '2'],
  ]);
  t.deepEqual(fields(''), []);
});

test('CRLF, LF and lone CR all end records, and lines are counted', (t) => {
  const records = parseCsv('a,b\r\n1,2\n3,4\r5,6\r\n');
  t.deepEqual(
    records.map((r) => [r.line, ...r.fields]),
    [
      [1, 'a', 'b'],
      [2, '1', '2'],
      [3, '3', '4'],
      [4, '5', '6'],
    ],
  );
});

test('quoted fields hold delimiters, doubled quotes and line breaks; the record keeps its first line', (t) => {
  const records = parseCsv('id,text\r\n1,"a, b"\r\n2,"say ""hi"""\r\n3,"two\r\nlines"\r\n4,""\r\n5,""""\n');
  t.deepEqual(
    records.map((r) => [r.line, ...r.fields]),
    [
      [1, 'id', 'text'],
      [2, '1', 'a, b'],
      [3, '2', 'say "hi"'],
      [4, '3', 'two\r\nlines'],
      [6, '4', ''],
      [7, '5', '"'],
    ],
  );
});

test('empty fields and empty lines: empty lines are skipped, empty fields kept', (t) => {
  t.deepEqual(fields('a,,c\n\n,\n\r\n"",x\n'), [
    ['a', '', 'c'],
    ['', ''],
    ['', 'x'],
  ]);
});

test('a quote inside an unquoted field is kept; a byte-order mark is dropped', (t) => {
  t.deepEqual(fields('\ufeffsize,name\n5" screen,tv\n'), [
    ['size', 'name'],
    ['5" screen', 'tv'],
  ]);
});

test('another delimiter, including tab', (t) => {
  t.deepEqual(fields('a;"b;c";d\n', ';'), [['a', 'b;c', 'd']]);
  t.deepEqual(fields('a\t"b\tc"\n', '\t'), [['a', 'b\tc']]);
  t.throws(() => parseCsv('a', '"'), {
    instanceOf: ConfigurationError,
    message: /one character other than a quote/,
  });
  t.throws(() => parseCsv('a', ';;'), { instanceOf: ConfigurationError });
});

test('an unclosed quote and text after a closing quote fail with the line', (t) => {
  const unclosed = t.throws(() => parseCsv('a,b\n1,"open\n2,3\n'), { instanceOf: CsvSyntaxError });
  t.is(unclosed?.line, 2);
  t.regex(unclosed?.message ?? '', /line 2: a quoted field is never closed/);
  const after = t.throws(() => parseCsv('a,b\n1,2\n3,"x"y\n'), { instanceOf: CsvSyntaxError });
  t.is(after?.line, 3);
  t.regex(after?.message ?? '', /unexpected "y" after a closing quote/);
});

test('csvObjects keys rows by the header or by given columns, and refuses a record of another width', (t) => {
  t.deepEqual(csvObjects(parseCsv('id,name\n1,Ada\n2,Grace\n')), [
    { row: { id: '1', name: 'Ada' }, line: 2 },
    { row: { id: '2', name: 'Grace' }, line: 3 },
  ]);
  t.deepEqual(csvObjects(parseCsv('1,Ada\n'), ['id', 'name']), [{ row: { id: '1', name: 'Ada' }, line: 1 }]);
  const error = t.throws(() => csvObjects(parseCsv('id,name\n1,Ada\n2\n')), { instanceOf: CsvSyntaxError });
  t.is(error?.line, 3);
  t.regex(error?.message ?? '', /1 fields where there are 2 columns/);
});

test('written CSV fields are quoted only when they hold the delimiter, a quote, CR or LF (RFC 4180)', (t) => {
  const cases: [unknown, string][] = [
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [' padded ', ' padded '],
    ['', ''],
    [null, ''],
    [undefined, ''],
    [42, '42'],
    [-0.5, '-0.5'],
    [true, 'true'],
    [10n, '10'],
    [new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), '2024-01-02T03:04:05.000Z'],
    [{ a: 'x,y' }, '"{""a"":""x,y""}"'],
  ];
  for (const [value, text] of cases) t.is(csvField(value), text, String(value));
  t.is(csvField('a;b', ';'), '"a;b"', 'the delimiter given is quoted');
  t.is(csvField('a,b', ';'), 'a,b', 'a comma is plain text with another delimiter');
  t.is(csvField('tab\there', '\t'), '"tab\there"');
});

test('CSV rows: objects by columns, arrays by position; an object without columns is refused', (t) => {
  t.is(csvRow({ b: 2, a: 'x' }, ['a', 'b', 'c']), 'x,2,');
  t.is(csvRow(['k', 3], undefined), 'k,3');
  t.is(csvRow('solo', undefined), 'solo');
  t.throws(() => csvRow({ a: 1 }, undefined), { message: /needs `columns`/ });
  t.is(csvRow({ a: 'x;y', b: 1 }, ['a', 'b'], ';'), '"x;y";1');
});

test('what the writer writes, the parser reads back, for any delimiter', (t) => {
  const rows = [
    ['plain', 'a,b', 'say "hi"', 'two\r\nlines', ''],
    [';', '\t', '"', 'x', 'y'],
  ];
  for (const delimiter of [',', ';', '\t', '|']) {
    const text = rows.map((r) => `${csvRow(r, undefined, delimiter)}\r\n`).join('');
    t.deepEqual(fields(text, delimiter), rows, JSON.stringify(delimiter));
  }
});
