import test from 'ava';
import { readFile } from 'node:fs/promises';
import { KindlingError } from '../../lib/index.js';
import { parseSandersCorpus } from '../../analytics/sanders-corpus.js';

test('parses rows into a map by tweet id; blank lines and CRLF are fine', (t) => {
  const rows = parseSandersCorpus('"apple","positive","126415614616154112"\r\n"google","irrelevant","1"\n\n');
  t.deepEqual(
    [...rows.values()],
    [
      { topic: 'apple', label: 'positive', id: '126415614616154112' },
      { topic: 'google', label: 'irrelevant', id: '1' },
    ],
  );
});

test('a malformed line or a repeated id is refused, naming the line', (t) => {
  t.throws(() => parseSandersCorpus('"apple","positive","1"\n"apple","happy","2"'), {
    instanceOf: KindlingError,
    message:
      /line 2: "\\"apple\\",\\"happy\\",\\"2\\"" is not "topic","positive\|negative\|neutral\|irrelevant","tweet id"/,
  });
  t.throws(() => parseSandersCorpus('apple,positive,1'), { message: /line 1/ });
  t.throws(() => parseSandersCorpus('"a","positive","1"\n"b","negative","1"'), {
    message: /line 2: tweet id 1 appears twice/,
  });
});

test('the bundled corpus: 5,513 labels as its README says', async (t) => {
  const text = await readFile(
    new URL('../../examples/tweets/data/sanders_corpus.csv', import.meta.url),
    'utf8',
  );
  const rows = parseSandersCorpus(text);
  t.is(rows.size, 5513);
  const labels = new Map<string, number>();
  for (const row of rows.values()) labels.set(row.label, (labels.get(row.label) ?? 0) + 1);
  t.deepEqual(Object.fromEntries(labels), { positive: 570, negative: 654, neutral: 2503, irrelevant: 1786 });
});
