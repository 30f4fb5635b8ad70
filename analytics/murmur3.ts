/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby's public-domain algorithm), over the UTF-8
 * bytes of a string: the hash Spark's HashingTF uses for feature hashing.
 */

const encoder = new TextEncoder();
let buffer = new Uint8Array(256);

/**
 * The 32-bit MurmurHash3 (x86) of the UTF-8 bytes of `text` with `seed`, as an unsigned integer.
 *
 * @example
 * murmur3('test'); // 0xba6bd213
 * murmur3('', 1); // 0x514e28b7
 */
export function murmur3(text: string, seed = 0): number {
  if (buffer.length < text.length * 3) buffer = new Uint8Array(text.length * 3);
  const length = encoder.encodeInto(text, buffer).written;
  const bytes = buffer;
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = bytes[blocks] as number;
    if (tail > 1) k ^= (bytes[blocks + 1] as number) << 8;
    if (tail > 2) k ^= (bytes[blocks + 2] as number) << 16;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
