import test from 'ava';
import { decodeHtmlEntities } from '../../analytics/html-entities.js';

const cases: [text: string, expected: string][] = [
  ['Fish &amp; chips', 'Fish & chips'],
  ['&lt;3 &gt;:(', '<3 >:('],
  ['&quot;hi&quot; &apos;yo&#39;', `"hi" 'yo'`],
  ['&#9760; &#x2665; &#X2665;', '\u2620 \u2665 \u2665'],
  ['&#8220;quoted&#8221;', '\u201cquoted\u201d'],
  ['&hellip;&nbsp;&mdash;', '\u2026\u00a0\u2014'],
  ['decoded once: &amp;lt;', 'decoded once: &lt;'],
  ['unknown &foo; and &valueOf; stay', 'unknown &foo; and &valueOf; stay'],
  ['no semicolon &amp stays', 'no semicolon &amp stays'],
  ['not scalar values &#0; &#xD800; &#x110000; stay', 'not scalar values &#0; &#xD800; &#x110000; stay'],
  ['AT&T', 'AT&T'],
  ['', ''],
];

for (const [text, expected] of cases) {
  test(`decodeHtmlEntities(${JSON.stringify(text)})`, (t) => {
    t.is(decodeHtmlEntities(text), expected);
  });
}
