/**
 * Decoding of the HTML character references that tweet text carries: the Twitter API escapes
 * `&`, `<` and `>` as `&amp;`, `&lt;` and `&gt;`, and older archives (Sentiment140) hold more.
 */

/** The named references tweets are known to hold, and the few typographic ones around them. */
const NAMED: ReadonlyMap<string, string> = new Map(
  Object.entries({
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: '\u00a0',
    hellip: '\u2026',
    ndash: '\u2013',
    mdash: '\u2014',
    lsquo: '\u2018',
    rsquo: '\u2019',
    ldquo: '\u201c',
    rdquo: '\u201d',
    hearts: '\u2665',
    copy: '\u00a9',
    reg: '\u00ae',
    trade: '\u2122',
    euro: '\u20ac',
    pound: '\u00a3',
  }),
);

const REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));/g;

/**
 * Replaces the HTML character references in `text` by the characters they stand for: numeric
 * ones (`&#39;`, `&#x2665;`) and the named ones tweets hold (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
 * `&apos;`, `&nbsp;`, and typographic quotes and dashes). Decodes once, as a browser would:
 * `&amp;lt;` becomes `&lt;`.
 *
 * Gotchas: an unknown name (`&foo;`), a reference without its `;`, and a number that is not a
 * Unicode scalar value (`&#0;`, a surrogate) are left as they are.
 *
 * @example
 * decodeHtmlEntities('Fish &amp; chips &lt;3'); // 'Fish & chips <3'
 */
export function decodeHtmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (whole, decimal?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED.get(name) ?? whole;
    const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
    return isScalarValue(code) ? String.fromCodePoint(code) : whole;
  });
}

function isScalarValue(code: number): boolean {
  return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
}
