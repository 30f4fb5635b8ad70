/**
 * The line decoder of the text sources, on recorded bytes: lines split across chunks, `\r\n`,
 * invalid UTF-8, JSON, and oversized lines dropped as they stream with only a prefix kept.
 */
import test from 'ava';
import { RejectedRecord } from '../../../lib/index.js';
import { LineDecoder } from '../../../lib/receiver/line-decoder.js';

/** Feeds `chunks` and `end()`, and returns every output in order. */
function decode(decoder: LineDecoder, chunks: (string | Uint8Array)[]): unknown[] {
  const out: unknown[] = [];
  for (const chunk of chunks)
    out.push(...decoder.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  out.push(...decoder.end());
  return out;
}

/** Rejected records as `reason: message`, others as they are. */
function show(items: unknown[]): unknown[] {
  return items.map((item) =>
    item instanceof RejectedRecord ? `${item.reason}: ${item.error.message}` : item,
  );
}

test('lines split across chunks, CRLF and a last line without a line end', (t) => {
  const out = decode(new LineDecoder(), ['one\r\ntw', 'o\r', '\n\nthr', 'ee']);
  t.deepEqual(out, ['one', 'two', '', 'three']);
});

test('a multi-byte character split across chunks is decoded whole', (t) => {
  const bytes = Buffer.from('5 €\n🔥\n');
  const cut = bytes.indexOf(0xe2) + 1;
  t.deepEqual(decode(new LineDecoder(), [bytes.subarray(0, cut), bytes.subarray(cut)]), ['5 €', '🔥']);
});

test('a line that is not UTF-8 is rejected with its bytes; the lines around it are kept', (t) => {
  const bad = Buffer.from([0x61, 0xff, 0xfe, 0x62]); // a, two bytes that are never UTF-8, b
  const truncated = Buffer.from([0xe2, 0x82]); // the first two bytes of '€' only
  const decoder = new LineDecoder({}, (line) => `f.txt:${line}`);
  const out = decode(decoder, [
    Buffer.concat([Buffer.from('ok\n'), bad, Buffer.from('\n'), truncated]),
    '\nfine\n',
  ]);
  t.is(out[0], 'ok');
  t.is(out[3], 'fine');
  const [first, second] = [out[1], out[2]] as RejectedRecord[];
  t.true(first instanceof RejectedRecord && second instanceof RejectedRecord);
  t.is(first?.reason, 'invalidUtf8');
  t.deepEqual(first?.record, bad);
  t.is(first?.detail, 'f.txt:2');
  t.regex(first?.error.message ?? '', /^line 2 \(4 bytes\) is not valid UTF-8/);
  t.deepEqual(second?.record, truncated);
  t.is(second?.detail, 'f.txt:3');
});

test("decode 'json': each line is parsed; malformed lines are rejected with their text; empty lines are no record", (t) => {
  const out = decode(new LineDecoder({ decode: 'json' }), ['{"a":1}\n[2, 3]\n\n{"a":\n"text"\r\n', 'nul']);
  t.deepEqual(show(out).slice(0, 2), [{ a: 1 }, [2, 3]]);
  t.is(out[3], 'text');
  const malformed = [out[2], out[4]] as RejectedRecord[];
  t.deepEqual(
    malformed.map((r) => [r.reason, r.record]),
    [
      ['malformedJson', '{"a":'],
      ['malformedJson', 'nul'],
    ],
  );
  t.regex(malformed[0]?.error.message ?? '', /^line 4 is malformed JSON: /);
  t.is(out.length, 5);
});

test('an oversized line streamed in small chunks is dropped as it goes, keeping only its first bytes', (t) => {
  const decoder = new LineDecoder({ maxRecordBytes: 10 });
  const out: unknown[] = [...decoder.write(Buffer.from('short\n0123456789'))];
  for (let i = 0; i < 1000; i++) out.push(...decoder.write(Buffer.from('abcdefghij')));
  // The decoder holds the prefix only, not the 10 kB seen so far.
  const held = (decoder as unknown as { pieceBytes: number }).pieceBytes;
  t.is(held, 0);
  out.push(...decoder.write(Buffer.from('xyz\r\nnext\n')));
  t.is(out[0], 'short');
  t.is(out[2], 'next');
  const rejected = out[1] as RejectedRecord;
  t.is(rejected.reason, 'oversized');
  t.is((rejected.record as Buffer).length, 1024);
  t.is((rejected.record as Buffer).subarray(0, 12).toString(), '0123456789ab');
  t.regex(rejected.error.message, /^line 2 of 10013 bytes is longer than maxRecordBytes 10; /);
});

test('the limit counts bytes, not characters, and excludes the line end', (t) => {
  const out = decode(new LineDecoder({ maxRecordBytes: 6 }), ['€€\r\n', '€€€\n', 'abcdef\r\n', 'abcdefg']);
  t.deepEqual(show(out).slice(0, 1), ['€€']);
  t.is((out[1] as RejectedRecord).reason, 'oversized');
  t.regex((out[1] as RejectedRecord).error.message, /of 9 bytes/);
  t.is(out[2], 'abcdef');
  t.is((out[3] as RejectedRecord).reason, 'oversized');
});

test('latin1: every byte is a character, nothing is rejected', (t) => {
  t.deepEqual(
    decode(new LineDecoder({ encoding: 'latin1' }), [Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]),
    ['café'],
  );
});
