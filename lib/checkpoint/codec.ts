/**
 * How checkpoint state becomes bytes and back: V8's structured-clone serializer (`node:v8`), which
 * keeps Maps, Sets, bigints, Dates, typed arrays, `undefined`, NaN and cycles that JSON loses.
 */
import { deserialize, serialize } from 'node:v8';
import { KindlingError, describe } from '../errors.js';

/**
 * Encodes checkpoint state as bytes with `v8.serialize`.
 *
 * Gotchas: class instances come back from {@link decodeCheckpoint} as plain objects (own
 * enumerable fields only, no prototype, no methods), so a stateful operator should keep its state
 * in plain data: objects, arrays, Maps, Sets, primitives. Functions and symbols cannot be
 * encoded at all. An array with holes (say, made by `new Array(n)` and then filled) is written
 * as a sparse array, about 20% larger and slower than one built with `push`. The bytes follow
 * V8's serialization format: a newer Node.js reads what an older one wrote, not always the other
 * way round.
 *
 * @param value - the state: anything the structured-clone algorithm accepts.
 * @returns the bytes, for a `CheckpointStore`.
 * @throws KindlingError naming what could not be encoded (a function, a symbol, a WeakMap).
 * @example
 * await store.write(time, encodeCheckpoint({ counts: new Map([['spark', 3]]) }));
 */
export function encodeCheckpoint(value: unknown): Uint8Array {
  try {
    return serialize(value);
  } catch (error) {
    throw new KindlingError(
      `could not encode checkpoint state: ${describe(error)}; keep state in plain data ` +
        '(objects, arrays, Maps, Sets, primitives), without functions, symbols or Weak collections',
      { cause: error },
    );
  }
}

/**
 * Decodes bytes written by {@link encodeCheckpoint}.
 *
 * Gotchas: class instances come back as plain objects; Node.js Buffers come back as Buffers. The
 * bytes are not checked here: the store checks them (length, crc32) before they get this far.
 *
 * @param bytes - a payload from `CheckpointStore.readAll()`.
 * @returns the state, to be checked by its reader (it is `unknown` for a reason).
 * @throws KindlingError when the bytes are not V8 serialization data this Node.js can read.
 * @example
 * const [newest] = (await store.readAll()).checkpoints;
 * if (newest) restore(decodeCheckpoint(newest.data));
 */
export function decodeCheckpoint(bytes: Uint8Array): unknown {
  try {
    return deserialize(bytes);
  } catch (error) {
    throw new KindlingError(
      `could not decode checkpoint (${bytes.byteLength} bytes): ${describe(error)}; it may have been ` +
        `written by a newer Node.js than ${process.version}, or by something other than encodeCheckpoint`,
      { cause: error },
    );
  }
}
