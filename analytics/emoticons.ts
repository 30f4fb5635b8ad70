/**
 * Emoticons and emoji with the sentiment they carry, for the tokenizer. Text emoticons are found
 * by patterns (`:)`, `:-D`, `;)`, `<3`, `:(`, `:'(`, `</3`, `-_-` ...), emoji by a table.
 */

/** The sign of the sentiment an emoticon or emoji carries: 1, -1, or 0 when it carries none. */
export type EmoticonPolarity = -1 | 0 | 1;

/** One alternative of the emoticon pattern, with the boundaries it needs around it. */
function bounded(
  pattern: string,
  options: { before?: 'alnum' | 'space'; after?: 'alnum' | 'space' },
): string {
  const before =
    options.before === 'space' ? '(?<!\\S)' : options.before === 'alnum' ? '(?<![\\p{L}\\p{N}])' : '';
  const after = options.after === 'space' ? '(?!\\S)' : options.after === 'alnum' ? '(?![\\p{L}\\p{N}])' : '';
  return `${before}(?:${pattern})${after}`;
}

/**
 * Happy, laughing, winking, kissing and heart emoticons. An emoticon that ends in a letter or a
 * digit (`:D`, `:p`, `xD`, `<3`) must not run into a word; a reversed one (`(:`) must stand
 * alone, so that "(this):" is not read as a face.
 */
export const POSITIVE_EMOTICON = [
  bounded("[:=;][-'^o]?(?:\\)+|\\]+|\\}+|\\*+)", {}),
  bounded('[:=;]-?(?:D+|[pP]+)', { after: 'alnum' }),
  bounded('[xX]D+', { before: 'alnum', after: 'alnum' }),
  bounded('\\(+-?[:=;]', { before: 'space', after: 'space' }),
  bounded('\\^[_.-]?\\^', {}),
  bounded('<3+', { after: 'alnum' }),
].join('|');

/** Sad, crying, angry, sceptical and broken-heart emoticons, with the same boundary rules. */
export const NEGATIVE_EMOTICON = [
  bounded(">?[:=;]'?-?(?:\\(+|\\[+|\\{+)", {}),
  bounded('[:=]-?[/\\\\](?![/\\\\\\p{L}\\p{N}])', {}),
  bounded('\\)+-?[:=]', { before: 'space', after: 'space' }),
  bounded('<\\/3+', { after: 'alnum' }),
  bounded('T_T|;_;|-_-|>_<', { before: 'space', after: 'space' }),
].join('|');

const POSITIVE_EMOJI =
  '😀😁😂😃😄😅😆😇😉😊😋😌😍😎😘😙😚😛😜😝🙂🤗🤩🥰😻😸😺❤♥💕💖💗💘💙💚💛💜💝💞👍👏🙌🎉✨🌟💯✌☺';
const NEGATIVE_EMOJI = '😞😟😠😡😢😣😤😥😦😧😨😩😪😫😬😭😰😱😒😓😔😕😖🙁☹😿👎💔🤬🤮🤢';

const EMOJI_POLARITY: ReadonlyMap<string, EmoticonPolarity> = new Map([
  ...Array.from(POSITIVE_EMOJI, (e) => [e, 1] as const),
  ...Array.from(NEGATIVE_EMOJI, (e) => [e, -1] as const),
]);

/**
 * The polarity of an emoji (a pictograph, with or without variation selector, skin tone or
 * joined parts): the polarity of its first pictograph when the table knows it, else 0.
 *
 * @example
 * emojiPolarity('😍'); // 1
 * emojiPolarity('👍🏽'); // 1 (skin tones do not matter)
 * emojiPolarity('🚀'); // 0
 */
export function emojiPolarity(emoji: string): EmoticonPolarity {
  const first = String.fromCodePoint(emoji.codePointAt(0) ?? 0);
  return EMOJI_POLARITY.get(first) ?? 0;
}
