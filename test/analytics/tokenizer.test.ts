/**
 * The tweet tokenizer, table-driven: each row is a text and its tokens written `kind:text`, a
 * negated token with a trailing `!`, an emoticon with its polarity (`emoticon::)+`).
 */
import test from 'ava';
import { ConfigurationError } from '../../lib/index.js';
import { negationsFrom } from '../../analytics/negation.js';
import { tokenize, type Token, type TokenizeOptions } from '../../analytics/tokenizer.js';

function show(tokens: readonly Token[]): string[] {
  return tokens.map((t) => {
    const mood = t.kind === 'emoticon' ? (t.polarity > 0 ? '+' : t.polarity < 0 ? '-' : '0') : '';
    return `${t.kind}:${t.text}${mood}${t.negated ? '!' : ''}`;
  });
}

const cases: [name: string, text: string, expected: string[], options?: TokenizeOptions][] = [
  ['words are lower-cased', 'Hello World', ['word:hello', 'word:world']],
  ['letters repeated 3+ times are squeezed to 2', 'Soooo goooood', ['word:soo', 'word:good']],
  ['two equal letters stay', 'cool feels', ['word:cool', 'word:feels']],
  ['squeezing works per letter run', 'loooooooovvvvvveee', ['word:loovvee']],
  ['hashtags keep their # and are lower-cased', '#Apple rocks', ['hashtag:#apple', 'word:rocks']],
  ['a hashtag needs a letter', '#1 fan', ['symbol:#', 'number:1', 'word:fan']],
  ['a # inside a word is no hashtag', 'C# rocks', ['word:c', 'symbol:#', 'word:rocks']],
  ['mentions', '@Stellargirl hi', ['mention:@stellargirl', 'word:hi']],
  [
    'an e-mail address is no mention',
    'a@b.com',
    ['word:a', 'symbol:@', 'word:b', 'punctuation:.', 'word:com'],
  ],
  [
    'URLs keep their case and lose trailing punctuation',
    'See http://t.co/AbC. Or www.x.com/Y!',
    ['word:see', 'url:http://t.co/AbC', 'punctuation:.', 'word:or', 'url:www.x.com/Y', 'punctuation:!'],
  ],
  [
    'happy emoticons',
    ':) :-) :D ;) =] :P xD <3 ^_^ (:',
    [':)', ':-)', ':D', ';)', '=]', ':P', 'xD', '<3', '^_^', '(:'].map((e) => `emoticon:${e}+`),
  ],
  [
    'sad emoticons',
    ":( :-( :'( >:( :/ </3 -_- ):",
    [':(', ':-(', ":'(", '>:(', ':/', '</3', '-_-', '):'].map((e) => `emoticon:${e}-`),
  ],
  ['repeated mouths', 'yay :)))', ['word:yay', 'emoticon::)))+']],
  ['an emoticon right after a word', 'great:)', ['word:great', 'emoticon::)+']],
  ['a letter emoticon does not eat a word', ':Do it', ['punctuation::', 'word:do', 'word:it']],
  ['xD inside a word is no emoticon', 'xDrive', ['word:xdrive']],
  [
    'a reversed face must stand alone',
    '(this): ok',
    ['symbol:(', 'word:this', 'symbol:)', 'punctuation::', 'word:ok'],
  ],
  ['a URL scheme is no sad face', 'ftp://x', ['word:ftp', 'punctuation::', 'symbol:/', 'symbol:/', 'word:x']],
  ['<3 before digits is a comparison', 'x <30', ['word:x', 'symbol:<', 'number:30']],
  [
    'emoji, with skin tone, and of unknown mood',
    '😍 👍🏽 😭 🚀',
    ['emoticon:😍+', 'emoticon:👍🏽+', 'emoticon:😭-', 'emoticon:🚀0'],
  ],
  [
    'HTML references are decoded first',
    'Fish &amp; chips &lt;3 &quot;yum&quot;',
    ['word:fish', 'symbol:&', 'word:chips', 'emoticon:<3+', 'symbol:"', 'word:yum', 'symbol:"'],
  ],
  [
    'numbers',
    'v2 costs 3.50, 1,000 or 2nd',
    ['word:v2', 'word:costs', 'number:3.50', 'punctuation:,', 'number:1,000', 'word:or', 'word:2nd'],
  ],
  ['apostrophes inside words', "I'm rock’n’roll", ["word:i'm", "word:rock'n'roll"]],
  [
    'punctuation runs are one token',
    'what?!? no...',
    ['word:what', 'punctuation:?!?', 'negation:no', 'punctuation:...'],
  ],
  [
    'non-Latin scripts',
    'Ça va très bien, 東京',
    ['word:ça', 'word:va', 'word:très', 'word:bien', 'punctuation:,', 'word:東京'],
  ],
  // negation
  [
    'a negation marks the next words',
    "I don't like it",
    ['word:i', "negation:don't", 'word:like!', 'word:it!'],
  ],
  [
    'the scope ends after 3 words',
    'not very good at all',
    ['negation:not', 'word:very!', 'word:good!', 'word:at!', 'word:all'],
  ],
  [
    'the scope ends at punctuation',
    'not good, great',
    ['negation:not', 'word:good!', 'punctuation:,', 'word:great'],
  ],
  [
    'the scope ends at an emoticon',
    'not sure :) love it',
    ['negation:not', 'word:sure!', 'emoticon::)+', 'word:love', 'word:it'],
  ],
  [
    'hashtags in the scope are negated, mentions and URLs skipped',
    'never @bob #fun http://x.co ok',
    ['negation:never', 'mention:@bob', 'hashtag:#fun!', 'url:http://x.co', 'word:ok!'],
  ],
  [
    'apostrophe-less contractions negate',
    'dont cant wont isnt',
    ['negation:dont', 'negation:cant', 'negation:wont', 'negation:isnt'],
  ],
  ['a typographic apostrophe negates', 'can’t wait', ["negation:can't", 'word:wait!']],
  ['a new negation starts a new scope', 'no no way', ['negation:no', 'negation:no', 'word:way!']],
  ['scope 0 negates nothing', 'not good', ['negation:not', 'word:good'], { negationScope: 0 }],
  ['scope 1', 'not very good', ['negation:not', 'word:very!', 'word:good'], { negationScope: 1 }],
  [
    'other languages give their negations',
    'no me gusta nada',
    ['negation:no', 'word:me!', 'word:gusta!', 'word:nada!'],
    { isNegation: negationsFrom(['No', 'nunca']) },
  ],
  ['empty text', '', []],
  ['white space only', ' \n\t ', []],
];

for (const [name, text, expected, options] of cases) {
  test(`tokenize: ${name}`, (t) => {
    t.deepEqual(show(tokenize(text, options)), expected);
  });
}

test('tokenize: a negative or fractional scope is refused with the fix', (t) => {
  const error = t.throws(() => tokenize('x', { negationScope: -1 }), { instanceOf: ConfigurationError });
  t.regex(error?.message ?? '', /negationScope -1 must be a whole number of words/);
  t.throws(() => tokenize('x', { negationScope: 1.5 }), { instanceOf: ConfigurationError });
});

test('tokenize: every Sentiment140 row tokenizes, and no token is empty or holds white space', async (t) => {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(
    new URL('../../examples/tweets/data/sentiment140_test.jsonl', import.meta.url),
    'utf8',
  );
  const rows = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { text: string });
  t.is(rows.length, 498);
  let tokens = 0;
  for (const row of rows) {
    for (const token of tokenize(row.text)) {
      tokens++;
      t.true(token.text.length > 0 && !/\s/u.test(token.text), JSON.stringify(token));
      if (token.kind !== 'url') t.false(/&(amp|lt|gt|quot);/.test(token.text), JSON.stringify(token));
    }
  }
  t.true(tokens > 498 * 5);
});
