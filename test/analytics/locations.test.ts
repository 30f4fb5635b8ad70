import test from 'ava';
import { locationCounts, normalizeLocation } from '../../analytics/locations.js';
import type { TweetLike } from '../../analytics/tweet.js';
import { runOperation } from '../helpers/operations.js';

const cases: [raw: unknown, expected: string | undefined][] = [
  ['New York', 'new york'],
  ['  New   York\n', 'new york'],
  ['NEW\tYORK', 'new york'],
  ['São Paulo', 'são paulo'],
  ['Ｔｏｋｙｏ', 'tokyo'],
  ['London,\u00a0UK', 'london, uk'],
  ['', undefined],
  ['   \n ', undefined],
  [null, undefined],
  [undefined, undefined],
  [42, undefined],
];

for (const [raw, expected] of cases) {
  test(`normalizeLocation(${JSON.stringify(raw)}) is ${JSON.stringify(expected)}`, (t) => {
    t.is(normalizeLocation(raw), expected);
  });
}

const by = (location: string | null | undefined): TweetLike => ({ text: 'x', user: { location } });

test('locationCounts: tweets per normalised location per window; no location, no count', async (t) => {
  const input: TweetLike[][] = [
    [
      by('New York'),
      by(' new york '),
      by('London'),
      by(''),
      by(null),
      { text: 'no user' },
      { text: 'x', user: null },
    ],
    [by('LONDON'), by('Paris')],
    [],
  ];
  const out = await runOperation(input, (s) =>
    locationCounts(s, { windowDuration: 2000, slideDuration: 1000 }),
  );
  t.deepEqual(
    out.map((batch) => [...batch].sort()),
    [
      [
        ['london', 1],
        ['new york', 2],
      ],
      [
        ['london', 2],
        ['new york', 2],
        ['paris', 1],
      ],
      [
        ['london', 1],
        ['paris', 1],
      ],
    ],
  );
});
