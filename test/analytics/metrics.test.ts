import test from 'ava';
import { ConfigurationError } from '../../lib/index.js';
import { classificationMetrics } from '../../analytics/metrics.js';

type L = 'pos' | 'neg';

test('accuracy, per-class precision, recall, F1, macro-F1 and the majority bar', (t) => {
  // 4 pos, 2 neg; predictions: pos right 3, pos->neg 1, neg right 1, neg->pos 1.
  const pairs: [L | undefined, L][] = [
    ['pos', 'pos'],
    ['pos', 'pos'],
    ['pos', 'pos'],
    ['neg', 'pos'],
    ['neg', 'neg'],
    ['pos', 'neg'],
  ];
  const m = classificationMetrics(pairs, ['pos', 'neg']);
  t.is(m.total, 6);
  t.is(m.correct, 4);
  t.is(m.abstained, 0);
  t.is(m.accuracy, 4 / 6);
  t.is(m.majorityAccuracy, 4 / 6);
  const pos = m.perClass.get('pos');
  const neg = m.perClass.get('neg');
  t.deepEqual(pos, { precision: 3 / 4, recall: 3 / 4, f1: 3 / 4, support: 4 });
  t.deepEqual(neg, { precision: 1 / 2, recall: 1 / 2, f1: 1 / 2, support: 2 });
  t.is(m.macroF1, (3 / 4 + 1 / 2) / 2);
});

test('an abstention is wrong and lowers recall, not precision', (t) => {
  const m = classificationMetrics<L>(
    [
      ['pos', 'pos'],
      [undefined, 'pos'],
      ['neg', 'neg'],
    ],
    ['pos', 'neg'],
  );
  t.is(m.abstained, 1);
  t.is(m.accuracy, 2 / 3);
  t.deepEqual(m.perClass.get('pos'), { precision: 1, recall: 0.5, f1: 2 / 3, support: 2 });
  t.deepEqual(m.perClass.get('neg'), { precision: 1, recall: 1, f1: 1, support: 1 });
});

test('a class never predicted has precision and F1 0', (t) => {
  const m = classificationMetrics<L>(
    [
      ['pos', 'pos'],
      ['pos', 'neg'],
    ],
    ['pos', 'neg'],
  );
  t.deepEqual(m.perClass.get('neg'), { precision: 0, recall: 0, f1: 0, support: 1 });
});

test('unknown classes and empty input are refused with the fix', (t) => {
  t.throws(() => classificationMetrics([['pos', 'neutral']], ['pos', 'neg']), {
    instanceOf: ConfigurationError,
    message: /actual class "neutral" of pair 0 is not one of \["pos","neg"\]; list every class/,
  });
  t.throws(() => classificationMetrics([['x', 'pos']], ['pos', 'neg']), { message: /predicted class "x"/ });
  t.throws(() => classificationMetrics([], ['pos']), { message: /no predictions/ });
  t.throws(() => classificationMetrics([['pos', 'pos']], []), { message: /at least one class/ });
});
