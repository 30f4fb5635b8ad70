/**
 * The streaming logistic regression: exact SGD steps, immutable snapshots, dead letters for bad
 * points, and that it learns: trained on the Sanders positive/negative tweets in ManualClock
 * batches, it classifies a held-out slice (the latest 20%, in time order) clearly better than
 * always answering the most common class.
 */
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { ConfigurationError, ManualClock, StreamingContext, type DeadLetter } from '../../lib/index.js';
import { FeatureHasher, tweetFeatures, type SparseVector } from '../../analytics/features.js';
import { LogisticRegressionModel, sigmoid } from '../../analytics/logistic-regression.js';
import { classificationMetrics } from '../../analytics/metrics.js';
import { parseSandersCorpus } from '../../analytics/sanders-corpus.js';
import {
  StreamingLogisticRegression,
  type LabeledPoint,
} from '../../analytics/streaming-logistic-regression.js';
import type { BinaryLabel } from '../../analytics/logistic-regression.js';

const vector = (size: number, entries: [number, number][]): SparseVector => ({
  size,
  indices: entries.map(([i]) => i),
  values: entries.map(([, v]) => v),
});

test('LogisticRegressionModel: margin, probability and prediction', (t) => {
  const model = new LogisticRegressionModel(Float64Array.from([1, -2, 0.5]), 0.25);
  const x = vector(3, [
    [0, 2],
    [2, 1],
  ]);
  t.is(model.margin(x), 2.75);
  t.is(model.probability(x), sigmoid(2.75));
  t.is(model.predict(x), 1);
  t.is(model.predict(vector(3, [[1, 1]])), 0);
  t.is(new LogisticRegressionModel(Float64Array.from([0, 0, 0]), 0, 0.9).predict(x), 0);
  t.is(model.dimensions, 3);
  t.throws(() => model.predict(vector(4, [])), {
    instanceOf: ConfigurationError,
    message: /a feature vector of size 4 was given to a model of 3 dimensions/,
  });
  t.throws(() => new LogisticRegressionModel(new Float64Array(1), 0, 1.5), { message: /threshold 1.5/ });
});

test('sigmoid does not overflow', (t) => {
  t.is(sigmoid(0), 0.5);
  t.is(sigmoid(1000), 1);
  t.is(sigmoid(-1000), 0);
  t.true(Math.abs(sigmoid(2) + sigmoid(-2) - 1) < 1e-15);
});

test('update: one SGD step per point, with the step size decaying as 1/√t', (t) => {
  const model = new StreamingLogisticRegression({ dimensions: 4, stepSize: 1 });
  // From zero weights the margin is 0, σ = 0.5; label 1 gives gradient -0.5, step 1.
  model.update([{ label: 1, features: vector(4, [[1, 2]]) }]);
  t.deepEqual([...model.latestModel().weights], [0, 1, 0, 0]);
  t.is(model.latestModel().intercept, 0.5);
  // Second update: step 1/√2; margin = 0.5 + 1·1 = 1.5; label 0 gives gradient σ(1.5).
  model.update([{ label: 0, features: vector(4, [[1, 1]]) }]);
  const g = sigmoid(1.5);
  const step = 1 / Math.SQRT2;
  t.true(Math.abs((model.latestModel().weights[1] as number) - (1 - step * g)) < 1e-12);
  t.true(Math.abs(model.latestModel().intercept - (0.5 - step * g)) < 1e-12);
  t.deepEqual(model.progress, { batches: 2, points: 2 });
});

test('update: L2 regularisation shrinks the weights a point touches', (t) => {
  const model = new StreamingLogisticRegression({
    dimensions: 2,
    stepSize: 1,
    regParam: 0.5,
    initialWeights: Float64Array.from([2, 2]),
  });
  // margin = 2, gradient σ(2) - 1; w0 = 2 - (g·1 + 0.5·2); w1 untouched.
  model.update([{ label: 1, features: vector(2, [[0, 1]]) }]);
  const g = sigmoid(2) - 1;
  t.true(Math.abs((model.latestModel().weights[0] as number) - (2 - (g + 1))) < 1e-12);
  t.is(model.latestModel().weights[1], 2);
});

test('latestModel: snapshots do not change when training goes on', (t) => {
  const model = new StreamingLogisticRegression({ dimensions: 2 });
  const before = model.latestModel();
  model.update([{ label: 1, features: vector(2, [[0, 1]]) }]);
  t.deepEqual([...before.weights], [0, 0]);
  t.not(model.latestModel(), before);
  t.true((model.latestModel().weights[0] as number) > 0);
});

test('update: an invalid point is refused before anything changes', (t) => {
  const model = new StreamingLogisticRegression({ dimensions: 3 });
  const good: LabeledPoint = { label: 1, features: vector(3, [[0, 1]]) };
  const bad: [LabeledPoint, RegExp][] = [
    [{ label: 2 as BinaryLabel, features: vector(3, []) }, /label 2 must be 0 or 1/],
    [{ label: 1, features: vector(5, []) }, /size 5 was given to a model of 3 dimensions/],
    [{ label: 1, features: vector(3, [[3, 1]]) }, /index 3 is outside \[0, 3\)/],
    [{ label: 1, features: vector(3, [[0, Number.NaN]]) }, /value at index 0 is NaN/],
    [{ label: 1, features: { size: 3, indices: [0, 1], values: [1] } }, /2 indices but 1 values/],
  ];
  for (const [point, message] of bad) {
    t.throws(() => model.update([good, point]), { instanceOf: ConfigurationError, message });
  }
  t.deepEqual(model.progress, { batches: 0, points: 0 });
  t.deepEqual([...model.latestModel().weights], [0, 0, 0]);
});

test('options are checked', (t) => {
  t.throws(() => new StreamingLogisticRegression({ dimensions: 0 }), { message: /dimensions 0/ });
  t.throws(() => new StreamingLogisticRegression({ dimensions: 2, stepSize: 0 }), { message: /stepSize 0/ });
  t.throws(() => new StreamingLogisticRegression({ dimensions: 2, iterations: 0 }), {
    message: /iterations 0/,
  });
  t.throws(() => new StreamingLogisticRegression({ dimensions: 2, regParam: -1 }), {
    message: /regParam -1/,
  });
  t.throws(() => new StreamingLogisticRegression({ dimensions: 2, threshold: 2 }), {
    message: /threshold 2/,
  });
  t.throws(() => new StreamingLogisticRegression({ dimensions: 2, initialWeights: new Float64Array(3) }), {
    message: /initialWeights has 3 weights, dimensions is 2/,
  });
});

test('trainOn and predictOn on a ManualClock: each batch trains, then predicts with the new model', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'slr-order' });
  const model = new StreamingLogisticRegression({ dimensions: 2, stepSize: 2 });
  const x1 = vector(2, [[0, 1]]);
  const x2 = vector(2, [[1, 1]]);
  const bad = { label: 1, features: vector(9, []) } as LabeledPoint;
  const training = ssc.queueStream<LabeledPoint>([
    [
      { label: 1, features: x1 },
      { label: 0, features: x2 },
    ],
    [bad, { label: 1, features: x1 }],
    [],
  ]);
  const trained = model.trainOn(training);
  const letters: DeadLetter[] = [];
  trained.deadLetters().foreachBatch((batch) => {
    letters.push(...batch);
  });
  const predictions: [string, BinaryLabel][][] = [];
  const versions: number[] = [];
  model
    .predictOnValues(
      ssc.queueStream<[string, SparseVector]>([
        [
          ['x1', x1],
          ['x2', x2],
        ],
        [['x1', x1]],
        [['x2', x2]],
      ]),
    )
    .foreachBatch((batch) => {
      predictions.push([...batch]);
      versions.push(model.progress.batches);
    });
  const labels: BinaryLabel[][] = [];
  model.predictOn(ssc.queueStream([[x1, x2]])).foreachBatch((batch) => {
    labels.push([...batch]);
  });
  await ssc.start();
  await clock.advance(3000);
  await ssc.stop();
  await ssc.awaitTermination();
  t.deepEqual(predictions, [
    [
      ['x1', 1],
      ['x2', 0],
    ],
    [['x1', 1]],
    [['x2', 0]],
  ]);
  t.deepEqual(versions, [1, 2, 3]);
  t.deepEqual(labels, [[1, 0], [], []]);
  t.deepEqual(model.progress, { batches: 3, points: 3 });
  t.is(letters.length, 1);
  t.is(letters[0]?.record, bad);
  t.regex(letters[0]?.error.message ?? '', /size 9 was given to a model of 2 dimensions/);
});

interface SandersTweet {
  readonly id_str: string;
  readonly text: string;
}

async function sandersPoints(hasher: FeatureHasher): Promise<LabeledPoint[]> {
  const data = new URL('../../examples/tweets/data/', import.meta.url);
  const labels = parseSandersCorpus(await readFile(new URL('sanders_corpus.csv', data), 'utf8'));
  const lines = (await readFile(new URL('sanders_tweets.jsonl', data), 'utf8')).trim().split('\n');
  const points: LabeledPoint[] = [];
  for (const line of lines) {
    const tweet = JSON.parse(line) as SandersTweet;
    const label = labels.get(tweet.id_str)?.label;
    if (label === 'positive' || label === 'negative') {
      points.push({ label: label === 'positive' ? 1 : 0, features: tweetFeatures(tweet.text, hasher) });
    }
  }
  return points;
}

test('it learns: Sanders tweets in batches of 50, a held-out latest 20% beats the majority class', async (t) => {
  const hasher = new FeatureHasher({ dimensions: 1 << 18 });
  const points = await sandersPoints(hasher);
  t.is(points.length, 920); // 434 positive, 486 negative of the tweets still available
  const cut = Math.floor(points.length * 0.8);
  const train = points.slice(0, cut);
  const heldOut = points.slice(cut);
  const batches: LabeledPoint[][] = [];
  for (let i = 0; i < train.length; i += 50) batches.push(train.slice(i, i + 50));

  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'slr-sanders' });
  const model = new StreamingLogisticRegression({ dimensions: hasher.dimensions });
  model.trainOn(ssc.queueStream(batches));
  // The held-out slice arrives with the last training batch, keyed by its index.
  const heldOutBatches: [number, SparseVector][][] = batches.map(() => []);
  heldOutBatches[batches.length - 1] = heldOut.map((p, i): [number, SparseVector] => [i, p.features]);
  const predicted = new Map<number, BinaryLabel>();
  model.predictOnValues(ssc.queueStream(heldOutBatches)).foreachBatch((pairs) => {
    for (const [i, label] of pairs) predicted.set(i, label);
  });
  const untrained = model.latestModel();
  await ssc.start();
  await clock.advance(batches.length * 1000);
  await ssc.stop();
  await ssc.awaitTermination();

  t.is(model.progress.points, train.length);
  t.is(predicted.size, heldOut.length);
  const metrics = classificationMetrics(
    heldOut.map((p, i) => [predicted.get(i), p.label] as const),
    [0, 1] as BinaryLabel[],
  );
  t.log(`held-out accuracy ${metrics.accuracy.toFixed(3)}, majority ${metrics.majorityAccuracy.toFixed(3)}`);
  t.true(metrics.accuracy >= metrics.majorityAccuracy + 0.1, `accuracy ${metrics.accuracy}`);
  t.true(metrics.perClass.get(0)?.recall !== 0 && metrics.perClass.get(1)?.recall !== 0);
  // The model before training knows nothing: it answers one class for everything.
  const before = classificationMetrics(
    heldOut.map((p) => [untrained.predict(p.features), p.label] as const),
    [0, 1] as BinaryLabel[],
  );
  t.true(before.accuracy <= before.majorityAccuracy);
});
