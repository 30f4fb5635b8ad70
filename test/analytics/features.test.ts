import test from 'ava';
import { ConfigurationError } from '../../lib/index.js';
import { FeatureHasher, tweetFeatureNames, tweetFeatures } from '../../analytics/features.js';
import { murmur3 } from '../../analytics/murmur3.js';
import { tokenize } from '../../analytics/tokenizer.js';

test('FeatureHasher: the index is the MurmurHash3 (seed 42) modulo the size; repeats add up', (t) => {
  const hasher = new FeatureHasher({ dimensions: 1000, signed: false });
  const v = hasher.transform(['good', 'phone', 'good']);
  t.is(v.size, 1000);
  const good = murmur3('good', 42) % 1000;
  const phone = murmur3('phone', 42) % 1000;
  const expected = new Map([
    [good, 2],
    [phone, 1],
  ]);
  t.deepEqual(
    v.indices,
    [...expected.keys()].sort((a, b) => a - b),
  );
  t.deepEqual(
    v.values,
    v.indices.map((i) => expected.get(i)),
  );
});

test('FeatureHasher: signed hashing takes the sign from the hash top bit', (t) => {
  const hasher = new FeatureHasher({ dimensions: 1 << 18 });
  for (const name of ['good', 'bad', 'phone', '#apple', 'NOT_good', 'EMOTICON+']) {
    const h = murmur3(name, 42);
    const v = hasher.transform([name]);
    t.deepEqual(v.indices, [h % (1 << 18)], name);
    t.deepEqual(v.values, [h >= 0x80000000 ? -1 : 1], name);
  }
});

test('FeatureHasher: indices ascend and stay below the size; colliding opposite signs cancel', (t) => {
  const hasher = new FeatureHasher({ dimensions: 7 });
  const names = Array.from({ length: 200 }, (_, i) => `f${i}`);
  const v = hasher.transform(names);
  t.true(v.indices.every((i, j) => i >= 0 && i < 7 && (j === 0 || i > (v.indices[j - 1] as number))));
  t.true(v.values.every((x) => x !== 0));
  t.is(v.values.reduce((a, b) => a + Math.abs(b), 0) <= 200, true);
  t.deepEqual(new FeatureHasher().transform([]), { size: 1 << 18, indices: [], values: [] });
});

test('FeatureHasher: a bad size is refused', (t) => {
  for (const dimensions of [0, -1, 1.5, 2 ** 32]) {
    t.throws(() => new FeatureHasher({ dimensions }), {
      instanceOf: ConfigurationError,
      message: /dimensions/,
    });
  }
});

test('tweetFeatureNames: words, negated words, hashtags, bigrams and emoticon moods', (t) => {
  t.deepEqual(tweetFeatureNames(tokenize("I don't like it :( #fail @bob http://x.co")), [
    'i',
    "don't",
    "i|don't",
    'NOT_like',
    "don't|like",
    'NOT_it',
    'like|it',
    'EMOTICON-',
    '#fail',
  ]);
  t.deepEqual(tweetFeatureNames(tokenize('good. phone 😍 🚀')), ['good', 'phone', 'EMOTICON+']);
});

test('tweetFeatures: tokenize, name, hash', (t) => {
  const hasher = new FeatureHasher({ dimensions: 1 << 12 });
  t.deepEqual(tweetFeatures('Good phone', hasher), hasher.transform(['good', 'phone', 'good|phone']));
});
