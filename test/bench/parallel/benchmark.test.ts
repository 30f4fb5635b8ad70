import test from 'ava';
import {
  buildBatches,
  compareOutputs,
  kindlingScore,
  plainScore,
  runParallel,
} from '../../../bench/parallel/benchmark.js';
import { scoreTweet, stem } from '../../../bench/parallel/score.js';
import { busiestThread, threadCpuSeconds } from '../../../bench/parallel/threads.js';

const tweet = (id: string, text: string): string =>
  JSON.stringify({ id_str: id, text, user: { screen_name: `u${id}` } });

test('scoreTweet parses the tweet and scores stems, a negation flipping the next scored word', (t) => {
  t.deepEqual(scoreTweet(tweet('1', 'I LOVE it, loving it; not good and the battery is terrible')), {
    id: '1',
    user: 'u1',
    score: 3 + 3 - 2 - 3,
    tokens: 12,
  });
  t.is(stem('crashes'), 'crash');
  t.is(stem('happiness'), 'happi');
  t.throws(() => scoreTweet('{not json'), { instanceOf: SyntaxError });
});

test('buildBatches cuts copies of the tweets into batches', (t) => {
  const batches = buildBatches({ copies: 2, batches: 3 });
  t.is(batches.length, 3);
  t.is(
    batches.reduce((n, b) => n + b.length, 0),
    2 * 4460,
  );
});

test('Kindling on a pool of 1 gives the plain loop’s records, in order, every run', async (t) => {
  const batches = [
    [tweet('1', 'great'), tweet('2', 'bad'), tweet('3', 'meh')],
    [],
    [tweet('4', 'not bad at all')],
  ];
  const { outputs, seconds, cpuSeconds } = await kindlingScore({ threads: 1 }, batches, 2);
  t.is(seconds.length, 2);
  t.is(cpuSeconds.length, 2);
  for (const out of outputs) t.is(compareOutputs(out, plainScore(batches)), undefined);
  t.deepEqual(
    outputs[0]?.map((b) => b.map((s) => s.score)),
    [[3, -3, 0], [], [3]],
  );
});

test('compareOutputs names the first difference', (t) => {
  const a = plainScore([[tweet('1', 'great'), tweet('2', 'bad')]]);
  const b = plainScore([[tweet('1', 'great'), tweet('2', 'good')]]);
  t.is(compareOutputs(a, a), undefined);
  t.regex(compareOutputs(b, a) ?? '', /batch 1, record 2: .*"score":2.*expected .*"score":-3/);
  t.regex(compareOutputs([], a) ?? '', /0 batches, expected 1/);
});

test('a tiny run reports every system and checks its outputs', async (t) => {
  const result = await runParallel({ quick: true }, { copies: 1, batches: 8, runs: 1 });
  t.true(result.correct);
  const systems = new Set(result.rows.map((r) => r.system));
  for (const s of ['plain-js', 'kindling inline', 'kindling pool 1 + main', 'kindling pool 2, main idle']) {
    t.true(systems.has(s), s);
  }
  t.true(result.rows.every((r) => Number.isFinite(r.value) && r.value > 0));
});

test('threadCpuSeconds reads every thread of the process, the main thread among them; busiestThread takes the largest increase', (t) => {
  const before = threadCpuSeconds();
  if (process.platform !== 'linux') {
    t.is(before, undefined);
    return;
  }
  let spin = 0;
  const until = process.cpuUsage().user + 50_000;
  while (process.cpuUsage().user < until) spin++;
  const after = threadCpuSeconds() as Map<number, number>;
  t.true(spin > 0);
  t.true(after.has(process.pid), 'the main thread has the process id');
  t.true((after.get(process.pid) ?? 0) >= (before?.get(process.pid) ?? 0));
  t.is(
    busiestThread(
      new Map([
        [1, 1],
        [2, 5],
      ]),
      new Map([
        [1, 4],
        [2, 6],
        [3, 0.5],
      ]),
    ),
    3,
  );
});
