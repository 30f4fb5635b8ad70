/** MurmurHash3 x86_32 against the published test vectors of the reference implementation. */
import test from 'ava';
import { murmur3 } from '../../analytics/murmur3.js';

const vectors: [text: string, seed: number, hash: number][] = [
  ['', 0, 0],
  ['', 1, 0x514e28b7],
  ['', 0xffffffff, 0x81f16f39],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['abc', 0, 0xb3dd93fa],
  ['test', 0, 0xba6bd213],
  ['Hello, world!', 0, 0xc0363e43],
  ['Hello, world!', 1234, 0xfaf6cdb3],
  ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
  ['ππππππππ', 0x9747b28c, 0xd58063c1],
];

for (const [text, seed, hash] of vectors) {
  test(`murmur3(${JSON.stringify(text)}, 0x${seed.toString(16)}) = 0x${hash.toString(16)}`, (t) => {
    t.is(murmur3(text, seed), hash);
  });
}

test('murmur3 hashes long strings after short ones (its buffer grows)', (t) => {
  const long = 'x'.repeat(1000);
  const first = murmur3(long);
  murmur3('short');
  t.is(murmur3(long), first);
  t.not(murmur3(`${long}y`), first);
});
