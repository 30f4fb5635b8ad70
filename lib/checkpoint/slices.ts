/**
 * How a checkpoint becomes bytes without holding up the batches after it. The snapshot is taken
 * synchronously at a batch's completion (so it is consistent), but encoding it all there would
 * hold the next batch for as long (at a million keys of state, tens to hundreds of ms). So the
 * snapshot only collects references (batches never change once computed) and starts the saves
 * of keyed state, which hold the state as it was whatever later batches change
 * ({@link DeferredEncoding}); the encoding then runs in slices, one event-loop turn each: every
 * state save a slice of keys at a time, then each saved batch on its own, then the checkpoint's
 * outline, then the copy of the parts into one buffer. A batch due meanwhile waits for one slice.
 *
 * The bytes (format version 3) are a container: a header, the outline (the checkpoint, encoded
 * by `v8` with each saved batch's bytes in it), then the large byte arrays that the outline and
 * the batches hold (the batches' own bytes, keyed state's encoded parts), each copied once, in
 * slices, rather than once per level of nesting as `v8.serialize` would (about 40 ms a copy for
 * 60 MB): in the `v8` encoding, such an array is only a reference to its place in the container.
 *
 * | bytes | what |
 * | --- | --- |
 * | 4 | `KCP3` |
 * | 4 | n, the number of byte arrays (uint32, little-endian, as every number here) |
 * | 4 | the outline's length |
 * | 4 × n | each array's length |
 * | ... | the outline, then the arrays in order |
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DefaultDeserializer, DefaultSerializer } from 'node:v8';
import { KindlingError, describe } from '../errors.js';
import type { DeferredEncoding } from '../dstream/node.js';
import type { CheckpointData, SavedNode } from './checkpoint.js';
import { decodeCheckpoint } from './codec.js';

/** A checkpoint's bytes, and the longest slice of main-thread work its encoding took. */
export interface EncodedCheckpoint {
  readonly bytes: Uint8Array;
  readonly longestSliceMs: number;
}

const MAGIC = [0x4b, 0x43, 0x50, 0x33]; // KCP3
/** Byte arrays from this size on are stored apart in the container; smaller ones inline. */
const APART_FROM = 64 * 1024;
/** Bytes copied into the container in one slice. */
const COPY_PER_SLICE = 8 * 1024 * 1024;
/** How a host object (a typed array) is written: inline as `v8` does, or as a reference. */
const INLINE = 0;
const APART = 1;

/**
 * Encodes `data` in slices, yielding to the event loop between them; `deferred` are the state
 * saves its snapshot started, encoded first.
 *
 * @throws KindlingError from the encoding (state that cannot be encoded, say).
 */
export async function encodeInSlices(
  data: CheckpointData,
  deferred: readonly DeferredEncoding[],
): Promise<EncodedCheckpoint> {
  const out: { bytes?: Uint8Array } = {};
  const slices = encodeSlices(data, deferred, out);
  let longestSliceMs = 0;
  for (;;) {
    const start = performance.now();
    const next = slices.next();
    longestSliceMs = Math.max(longestSliceMs, performance.now() - start);
    if (next.done === true) break;
    await nextTurn();
  }
  return { bytes: out.bytes as Uint8Array, longestSliceMs };
}

/** Encodes `data` at once: {@link encodeInSlices} without yielding. */
export function encodeCheckpointData(data: CheckpointData): Uint8Array {
  const out: { bytes?: Uint8Array } = {};
  const slices = encodeSlices(data, [], out);
  while (slices.next().done !== true);
  return out.bytes as Uint8Array;
}

/**
 * Decodes what {@link encodeInSlices} wrote (or, from older versions, one `v8` encoding with the
 * batches in it), with every saved batch decoded.
 *
 * @throws KindlingError when the bytes are neither.
 */
export function decodeCheckpointData(bytes: Uint8Array): unknown {
  if (!MAGIC.every((b, i) => bytes[i] === b)) return decodeCheckpoint(bytes);
  const apart = readContainer(bytes);
  const outline = decodeApart(apart.outline, apart.arrays) as CheckpointData;
  if (typeof outline !== 'object' || outline === null) return outline;
  const decodeEach = (saved: unknown): unknown =>
    Array.isArray(saved)
      ? saved.map((node: SavedNode) => ({
          ...node,
          batches: Array.isArray(node?.batches)
            ? node.batches.map(([time, batch]) => [
                time,
                batch instanceof Uint8Array ? decodeApart(batch, apart.arrays) : batch,
              ])
            : node?.batches,
        }))
      : saved;
  return { ...outline, nodes: decodeEach(outline.nodes), inputs: decodeEach(outline.inputs) };
}

/** Each step is one slice; sets `out.bytes` at the end. */
function* encodeSlices(
  data: CheckpointData,
  deferred: readonly DeferredEncoding[],
  out: { bytes?: Uint8Array },
): Generator<void, void> {
  for (const save of deferred) while (!save.step()) yield;
  const arrays: Uint8Array[] = [];
  const encodeEach = function* (saved: readonly SavedNode[]): Generator<void, SavedNode[]> {
    const encoded: SavedNode[] = [];
    for (const node of saved) {
      const batches: [number, unknown][] = [];
      for (const [time, batch] of node.batches) {
        yield;
        batches.push([time, encodeApart(batch, arrays)]);
      }
      encoded.push({ ...node, batches });
    }
    return encoded;
  };
  const nodes = yield* encodeEach(data.nodes);
  const inputs = yield* encodeEach(data.inputs);
  yield;
  const outline = encodeApart({ ...data, nodes, inputs }, arrays);
  const header = 12 + 4 * arrays.length;
  let length = header + outline.byteLength;
  for (const array of arrays) length += array.byteLength;
  const bytes = Buffer.allocUnsafe(length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  bytes.set(MAGIC, 0);
  view.setUint32(4, arrays.length, true);
  view.setUint32(8, outline.byteLength, true);
  arrays.forEach((array, i) => view.setUint32(12 + 4 * i, array.byteLength, true));
  bytes.set(outline, header);
  let offset = header + outline.byteLength;
  let copied = 0;
  for (const array of arrays) {
    if (copied > COPY_PER_SLICE) {
      yield;
      copied = 0;
    }
    bytes.set(array, offset);
    offset += array.byteLength;
    copied += array.byteLength;
  }
  out.bytes = bytes;
}

/** The outline and the arrays of a container, as views of `bytes` (no copy). */
function readContainer(bytes: Uint8Array): { outline: Uint8Array; arrays: Uint8Array[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const damaged = (what: string): KindlingError =>
    new KindlingError(`the checkpoint's container is damaged: ${what} (${bytes.byteLength} bytes in all)`);
  if (bytes.byteLength < 12) throw damaged('shorter than its header');
  const count = view.getUint32(4, true);
  const header = 12 + 4 * count;
  if (header > bytes.byteLength) throw damaged(`its header lists ${count} arrays`);
  let offset = header + view.getUint32(8, true);
  const outline = bytes.subarray(header, offset);
  const arrays: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const length = view.getUint32(12 + 4 * i, true);
    if (offset + length > bytes.byteLength) throw damaged(`array ${i} of ${length} bytes runs past its end`);
    arrays.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return { outline, arrays };
}

/** A `v8` serializer that writes large byte arrays as references to `arrays`, where it puts them. */
class ApartSerializer extends DefaultSerializer {
  constructor(private readonly arrays: Uint8Array[]) {
    super();
  }

  _writeHostObject(object: object): void {
    if (object instanceof Uint8Array && object.byteLength >= APART_FROM) {
      this.writeUint32(APART);
      this.writeUint32(this.arrays.push(object) - 1);
      return;
    }
    this.writeUint32(INLINE);
    (DefaultSerializer.prototype as unknown as HostObjects)._writeHostObject.call(this, object);
  }
}

/** The reader of {@link ApartSerializer}'s encoding, given the container's arrays. */
class ApartDeserializer extends DefaultDeserializer {
  constructor(
    bytes: Uint8Array,
    private readonly arrays: readonly Uint8Array[],
  ) {
    super(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  _readHostObject(): unknown {
    if (this.readUint32() === INLINE) {
      return (DefaultDeserializer.prototype as unknown as HostObjects)._readHostObject.call(this);
    }
    const index = this.readUint32();
    const array = this.arrays[index];
    if (array === undefined)
      throw new KindlingError(`the checkpoint refers to byte array ${index}, which it lacks`);
    return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
  }
}

/** The hooks `node:v8` calls for typed arrays, which its type declarations leave out. */
interface HostObjects {
  _writeHostObject(object: object): void;
  _readHostObject(): unknown;
}

function encodeApart(value: unknown, arrays: Uint8Array[]): Uint8Array {
  try {
    const serializer = new ApartSerializer(arrays);
    serializer.writeHeader();
    serializer.writeValue(value);
    return serializer.releaseBuffer();
  } catch (error) {
    throw new KindlingError(
      `could not encode checkpoint state: ${describe(error)}; keep state in plain data ` +
        '(objects, arrays, Maps, Sets, primitives), without functions, symbols or Weak collections',
      { cause: error },
    );
  }
}

function decodeApart(bytes: Uint8Array, arrays: readonly Uint8Array[]): unknown {
  try {
    const deserializer = new ApartDeserializer(bytes, arrays);
    deserializer.readHeader();
    return deserializer.readValue();
  } catch (error) {
    throw new KindlingError(`could not decode a checkpoint (${bytes.byteLength} bytes): ${describe(error)}`, {
      cause: error,
    });
  }
}
