/**
 * Hashtags of tweets and the top k per window, on a ManualClock: input batches of tweets, the
 * operation, and the expected output batch per window (Spark's window rules: a 2 s window
 * sliding every 1 s over 1 s batches covers the last two batches).
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { ConfigurationError, ManualClock, StreamingContext, type DeadLetter } from '../../lib/index.js';
import { hashtagsOf, topHashtags } from '../../analytics/hashtags.js';
import type { TweetLike } from '../../analytics/tweet.js';
import { countPerWindow, topByCount } from '../../analytics/window-counts.js';
import { runOperation } from '../helpers/operations.js';

const tweet = (text: string): TweetLike => ({ text });

test('hashtagsOf: from the entities when the tweet has them, lower-cased and distinct', (t) => {
  t.deepEqual(
    hashtagsOf({
      text: 'ignored #text',
      entities: { hashtags: [{ text: 'iPhone' }, { text: 'apple' }, { text: 'Apple' }] },
    }),
    ['#iphone', '#apple'],
  );
  t.deepEqual(hashtagsOf({ text: '#text', entities: { hashtags: [] } }), []);
});

test('hashtagsOf: from the text when the tweet has no entities', (t) => {
  t.deepEqual(hashtagsOf(tweet('New #iPhone! #apple #Apple not#this #1')), ['#iphone', '#apple']);
  t.deepEqual(hashtagsOf({ text: '#a', entities: null }), ['#a']);
});

test('topHashtags: the k most used hashtags per window, most used first', async (t) => {
  const input: TweetLike[][] = [
    [tweet('#a #b'), tweet('#a'), tweet('#c')],
    [tweet('#b'), tweet('#b #c'), tweet('#d')],
    [tweet('#d'), tweet('#d #a')],
    [],
    [],
  ];
  const out = await runOperation(input, (s) =>
    topHashtags(s, { k: 2, windowDuration: 2000, slideDuration: 1000 }),
  );
  t.deepEqual(out, [
    // window (0, 1000]: a 2, b 1, c 1
    [
      ['#a', 2],
      ['#b', 1],
    ],
    // (0, 2000]: a 2, b 3, c 2, d 1
    [
      ['#b', 3],
      ['#a', 2],
    ],
    // (1000, 3000]: b 2, c 1, d 3, a 1
    [
      ['#d', 3],
      ['#b', 2],
    ],
    // (2000, 4000]: d 2, a 1
    [
      ['#d', 2],
      ['#a', 1],
    ],
    // (3000, 5000]: nothing
    [],
  ]);
});

test('topHashtags: a slide of 2 batches outputs every other batch time', async (t) => {
  const input: TweetLike[][] = [[tweet('#a')], [tweet('#b #a')], [tweet('#b')], [tweet('#b')]];
  const out = await runOperation(
    input,
    (s) => topHashtags(s, { k: 5, windowDuration: 2000, slideDuration: 2000 }),
    {
      numBatches: 4,
    },
  );
  t.deepEqual(out, [
    [
      ['#a', 2],
      ['#b', 1],
    ],
    [['#b', 2]],
  ]);
});

test('topHashtags: k must be 1 or more', (t) => {
  t.throws(() => topHashtags(undefined as never, { k: 0, windowDuration: 1000 }), {
    instanceOf: ConfigurationError,
    message: /k 0 must be a whole number, 1 or more/,
  });
});

test('countPerWindow and topByCount: counts drop out when they fall to 0', async (t) => {
  const out = await runOperation([['x', 'y', 'x'], ['y'], [], []], (s) =>
    countPerWindow(s, { windowDuration: 2000 }),
  );
  t.deepEqual(
    out.map((batch) => [...batch].sort()),
    [
      [
        ['x', 2],
        ['y', 1],
      ],
      [
        ['x', 2],
        ['y', 2],
      ],
      [['y', 1]],
      [],
    ],
  );
  const counts: [string, number][][] = [
    [
      ['p', 1],
      ['q', 3],
      ['r', 2],
    ],
  ];
  const top = await runOperation(counts, (s) => topByCount(s, 2));
  t.deepEqual(top, [
    [
      ['q', 3],
      ['r', 2],
    ],
  ]);
});

test('topHashtags: a tweet whose hashtags cannot be read is a dead letter, the rest is counted', async (t) => {
  const bad = { text: 'x', entities: { hashtags: [{ text: 'ok' }, {}] } } as unknown as TweetLike;
  const noText = { id_str: '7' } as unknown as TweetLike;
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'hashtag-dead-letters' });
  const top = topHashtags(ssc.queueStream([[tweet('#a'), bad, noText]]), { k: 3, windowDuration: 1000 });
  const out: [string, number][][] = [];
  top.foreachBatch((batch) => {
    out.push([...batch]);
  });
  const letters: DeadLetter[] = [];
  top.deadLetters().foreachBatch((batch) => {
    letters.push(...batch);
  });
  await ssc.start();
  await clock.advance(1000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.deepEqual(out, [[['#a', 1]]]);
  t.deepEqual(
    letters.map((l) => l.record),
    [bad, noText],
  );
  t.regex(letters[0]?.error.message ?? '', /entities.hashtags\[1\] has no text \(got undefined\)/);
  t.regex(letters[1]?.error.message ?? '', /tokenize: the text must be a string, got undefined/);
});

test('topHashtags on the Sanders tweets agrees with counting each window from scratch', async (t) => {
  const text = await readFile(
    new URL('../../examples/tweets/data/sanders_tweets.jsonl', import.meta.url),
    'utf8',
  );
  const all = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as TweetLike);
  const batches: TweetLike[][] = [];
  for (let i = 0; i < all.length; i += 100) batches.push(all.slice(i, i + 100));
  const window = 5;
  const out = await runOperation(batches, (s) => topHashtags(s, { k: 10, windowDuration: window * 1000 }));
  t.is(out.length, batches.length);
  for (let b = 0; b < batches.length; b++) {
    const counts = new Map<string, number>();
    for (const tw of batches.slice(Math.max(0, b - window + 1), b + 1).flat()) {
      for (const tag of new Set(tw.entities?.hashtags?.map((h) => `#${h.text.toLowerCase()}`))) {
        counts.set(tag, (counts.get(tag) ?? 0) + 1);
      }
    }
    const expected = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 10);
    t.deepEqual(out[b], expected, `window ending with batch ${b + 1}`);
  }
  t.true((out.at(-1)?.length ?? 0) > 0);
  t.log(`last window's top 3: ${JSON.stringify(out.at(-1)?.slice(0, 3))}`);
});
