import test from 'ava';
import { buildBatches, plainRun, plainRun2, runTweets } from '../../../bench/tweets/benchmark.js';
import { loadLocations } from '../../../bench/tweets/locations.js';
import { scoreTweetLine } from '../../../bench/tweets/score.js';

test('a tweet line is parsed and scored in its language', (t) => {
  const line = JSON.stringify({ id_str: '1', text: 'What a great phone', lang: 'en', user: { id_str: '9' } });
  t.deepEqual(scoreTweetLine(line), { id: '1', userId: '9', label: 'positive' });
  t.is(scoreTweetLine(JSON.stringify({ id_str: '2', text: 'x', lang: 'ja' })).label, 'unscored');
  t.throws(() => scoreTweetLine('not json'), { instanceOf: SyntaxError });
});

test('the plain loop counts every tweet in its window', async (t) => {
  const { batches, tweets } = buildBatches({ copies: 1, batches: 20 });
  t.is(tweets, 4460);
  const { digests } = await plainRun(batches.slice(0, 12), loadLocations());
  // pairs:sum:hash; the sum is the number of tweets in the last 10 batches
  const inWindow = batches.slice(2, 12).reduce((n, b) => n + b.length, 0);
  t.is(digests.length, 12);
  t.is(Number(digests[11]?.split(':')[1]), inWindow);
});

test('the two-thread plain loop gives the same windows as the one-thread loop', async (t) => {
  const { batches } = buildBatches({ copies: 1, batches: 20 });
  const table = loadLocations();
  const one = await plainRun(batches.slice(0, 12), table);
  const two = await plainRun2(batches.slice(0, 12), table);
  t.deepEqual(two.digests, one.digests);
  t.not(new Set(one.digests).size, 1);
});

test('Kindling on one and two cores agrees with the plain loop, window by window', async (t) => {
  const result = await runTweets({ quick: true }, { copies: 1, batches: 12, runs: 1, warmUp: false });
  t.true(result.correct);
  t.is(result.rows.length, 14);
  t.true(result.rows.every((row) => row.value > 0));
});
