/**
 * Rows of JSONL and CSV objects and files (the S3 and HDFS lookups, the S3 batch reader): both
 * formats parsed by the one JSON Lines and the one CSV parser, errors naming the source and line.
 */
import test from 'ava';
import { ConfigurationError, KindlingError } from '../../../lib/index.js';
import { jsonLines } from '../../../systems/rows/jsonl.js';
import { formatRows, parseRows } from '../../../systems/rows/rows.js';

test('JSONL: one value per non-blank line, any JSON value', (t) => {
  t.deepEqual(parseRows('{"id":1}\n\n  [2]  \n"three"\n', 'jsonl', 's3://b/k'), [{ id: 1 }, [2], 'three']);
  t.deepEqual(parseRows('', 'jsonl', 's3://b/k'), []);
});

test('CSV: keyed by the header, or by given columns; quotes, CRLF and delimiters as the CSV parser reads them', (t) => {
  t.deepEqual(parseRows('id,name\r\nu1,"Lovelace, Ada"\r\nu2,"Bob ""the"" Builder"\r\n', 'csv', 'f'), [
    { id: 'u1', name: 'Lovelace, Ada' },
    { id: 'u2', name: 'Bob "the" Builder' },
  ]);
  t.deepEqual(parseRows('u1;Ada\n', 'csv', 'f', { delimiter: ';', columns: ['id', 'name'] }), [
    { id: 'u1', name: 'Ada' },
  ]);
  t.deepEqual(parseRows('\uFEFFid\n1\n', 'csv', 'f'), [{ id: '1' }]);
  t.deepEqual(parseRows('', 'csv', 'f'), []);
});

test('a bad row names the source and its line, and says what to fix', (t) => {
  const cases: [string, 'jsonl' | 'csv', 'file' | 'object', RegExp][] = [
    ['{"id":1}\n{"id":\n', 'jsonl', 'object', /^s3:\/\/b\/k:2 is not JSON \(.+\); fix the object$/],
    [
      'id,name\n1,Ada\n2\n',
      'csv',
      'file',
      /^s3:\/\/b\/k:3: 1 fields where there are 2 columns; fix the file$/,
    ],
    ['id,name\n1,"Ada\n', 'csv', 'object', /^s3:\/\/b\/k:2: a quoted field is never closed; fix the object$/],
  ];
  for (const [text, format, unit, message] of cases) {
    const error = t.throws(() => parseRows(text, format, 's3://b/k', {}, unit), {
      instanceOf: KindlingError,
    });
    t.regex(error?.message ?? '', message);
  }
  t.throws(() => parseRows('a\n', 'csv', 'f', { delimiter: '' }), { instanceOf: ConfigurationError });
});

test('jsonLines parses line by line, so a check of one line comes before a later bad line', (t) => {
  const seen: number[] = [];
  const error = t.throws(() => {
    for (const { value, line } of jsonLines('1\n"two"\nnot json\n')) {
      seen.push(line);
      if (typeof value !== 'number') throw new Error(`line ${line} is not a number`);
    }
  });
  t.is(error?.message, 'line 2 is not a number');
  t.deepEqual(seen, [1, 2]);
  const bad = t.throws(() => [...jsonLines('1\nnot json\n')]);
  t.is((bad as Error & { line?: number }).line, 2);
});

test('formatRows writes JSONL, and CSV with a header through the one CSV writer', (t) => {
  t.is(formatRows([{ a: 1 }, 'x'], 'jsonl'), '{"a":1}\n"x"\n');
  t.is(
    formatRows(
      [
        { word: 'a,b', count: 2 },
        { word: 'say "hi"', count: null },
      ],
      'csv',
    ),
    'word,count\r\n"a,b",2\r\n"say ""hi""",\r\n',
  );
  const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
  t.is(
    formatRows([{ at: when, tags: ['a;b'] }], 'csv', { delimiter: ';' }),
    'at;tags\r\n2024-01-02T03:04:05.000Z;"[""a;b""]"\r\n',
    'Dates as ISO 8601, like every CSV output; the delimiter given is quoted',
  );
  const text = formatRows([{ id: '1', name: 'Ada' }], 'csv', { columns: ['id', 'name'] });
  t.deepEqual(parseRows(text, 'csv', 'f'), [{ id: '1', name: 'Ada' }]);
});
