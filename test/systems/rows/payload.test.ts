import test from 'ava';
import { RejectedRecord } from '../../../lib/index.js';
import { decodeContent, decoderProblem } from '../../../systems/rows/payload.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

test('bytes are kept, text decoded, JSON parsed', (t) => {
  const raw = bytes('{"a":1}');
  t.is((decodeContent(raw, 'bytes', 'q') as { content: Uint8Array }).content, raw);
  t.deepEqual(decodeContent(raw, 'string', 'q'), { content: '{"a":1}' });
  t.deepEqual(decodeContent(raw, 'json', 'q'), { content: { a: 1 } });
  t.deepEqual(
    decodeContent(raw, (b) => b.length, 'q'),
    { content: 7 },
  );
});

test('what cannot be decoded becomes a rejected record that says where it came from', (t) => {
  const notUtf8 = decodeContent(new Uint8Array([0xff, 0x41]), 'string', "queue 'orders'");
  t.true(notUtf8 instanceof RejectedRecord);
  t.is((notUtf8 as RejectedRecord).reason, 'invalidUtf8');
  t.regex((notUtf8 as RejectedRecord).error.message, /from queue 'orders' is not valid UTF-8 \(2 bytes\)/);

  const notJson = decodeContent(bytes('{oops'), 'json', "queue 'orders'");
  t.is((notJson as RejectedRecord).reason, 'malformedJson');
  t.is((notJson as RejectedRecord).record, '{oops');

  const thrown = decodeContent(
    bytes('x'),
    () => {
      throw new Error('nope');
    },
    'topic t',
  );
  t.is((thrown as RejectedRecord).reason, 'userFunction');
  t.regex((thrown as RejectedRecord).error.message, /the decoder threw on the message from topic t: nope/);
});

test('decoder options are checked', (t) => {
  t.is(decoderProblem(undefined), undefined);
  t.is(decoderProblem('json'), undefined);
  t.regex(decoderProblem('xml') ?? '', /decoder must be 'bytes', 'string', 'json' or a function, got "xml"/);
});
