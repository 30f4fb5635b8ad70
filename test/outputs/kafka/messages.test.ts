import test from 'ava';
import { chunkMessages, toMessages } from '../../../outputs/kafka/messages.js';

test('records become messages: strings and buffers as they are, anything else as JSON', (t) => {
  const bytes = Buffer.from([1, 2]);
  t.deepEqual(
    toMessages(['text', bytes, { n: 1 }], {}).map((m) => m.value),
    ['text', bytes, '{"n":1}'],
  );
});

test('key, value and headers come from the mapping functions', (t) => {
  const [m] = toMessages([{ id: 'a', n: 2 }], {
    key: (r) => r.id,
    value: (r) => String(r.n),
    headers: (r) => ({ source: r.id }),
  });
  t.deepEqual(m, { key: 'a', value: '2', headers: { source: 'a' } });
});

test('messages are cut into requests under the byte limit, in order, none empty', (t) => {
  const messages = toMessages(
    Array.from({ length: 10 }, (_, i) => 'x'.repeat(30) + i),
    {},
  );
  const chunks = chunkMessages(messages, 250);
  t.deepEqual(chunks.flat(), messages);
  t.true(chunks.every((c) => c.length >= 1 && c.length <= 2));
  t.deepEqual(
    chunkMessages(toMessages(['a'.repeat(1000)], {}), 100).map((c) => c.length),
    [1],
  );
});
