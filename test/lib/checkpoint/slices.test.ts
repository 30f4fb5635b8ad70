/**
 * A checkpoint encoded in slices: the container of format version 3 round-trips (large byte
 * arrays stored apart, however deeply they sit), reads an older plain encoding too, names damage,
 * and gives the event loop a turn between slices.
 */
import test from 'ava';
import { CHECKPOINT_VERSION, type CheckpointData } from '../../../lib/checkpoint/checkpoint.js';
import { encodeCheckpoint } from '../../../lib/checkpoint/codec.js';
import {
  decodeCheckpointData,
  encodeCheckpointData,
  encodeInSlices,
} from '../../../lib/checkpoint/slices.js';
import type { DeferredEncoding } from '../../../lib/dstream/node.js';

/** A checkpoint with a node whose batch holds byte arrays, one large (stored apart), one small. */
function checkpoint(large: Uint8Array): CheckpointData {
  return {
    version: CHECKPOINT_VERSION,
    context: 'slices',
    batchInterval: 1000,
    zeroTime: 0,
    time: 2000,
    operators: [{ name: 'state', kind: 'mapWithState' }],
    nodes: [
      {
        name: 'state',
        batches: [
          [1000, [{ states: { rows: [large, Buffer.from([1, 2, 3])] }, mapped: [1, 2] }]],
          [2000, { columns: [['a'], [new Float64Array([1.5])]] }],
        ],
      },
    ],
    inputs: [{ name: 'queue', batches: [[2000, ['x', 'y']]], position: { next: 3 } }],
  };
}

const large = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

test('a container round-trips its batches, with large byte arrays stored apart and read back as views', (t) => {
  const data = checkpoint(large(200_000));
  const bytes = encodeCheckpointData(data);
  t.deepEqual([...bytes.subarray(0, 4)], [...Buffer.from('KCP3')]);
  const back = decodeCheckpointData(bytes) as CheckpointData;
  t.deepEqual(back, data);
  const rows = (back.nodes[0]?.batches[0]?.[1] as { states: { rows: Uint8Array[] } }[])[0]?.states.rows;
  t.is(rows?.[0]?.buffer, (bytes as Buffer).buffer, 'the large array is a view of the container, not a copy');
  // Stored once: the container is about the large array's size, not twice it.
  t.true(bytes.byteLength < 200_000 + 2_000);
});

test('a checkpoint of an older version (one plain encoding) still decodes', (t) => {
  const data = { ...checkpoint(Buffer.from([9])), version: 2 };
  t.deepEqual(decodeCheckpointData(encodeCheckpoint(data)), data);
});

test('a damaged container is named as such', (t) => {
  const bytes = Buffer.from(encodeCheckpointData(checkpoint(large(100_000))));
  t.throws(() => decodeCheckpointData(bytes.subarray(0, bytes.byteLength - 10)), {
    message: /container is damaged: array 0 of 100000 bytes runs past its end/,
  });
  t.throws(() => decodeCheckpointData(bytes.subarray(0, 8)), { message: /container is damaged/ });
});

test('the encoding gives the event loop a turn between slices, and reports its longest slice', async (t) => {
  let steps = 0;
  let turns = 0;
  const save: DeferredEncoding = { step: () => ++steps === 5 };
  const data = checkpoint(large(10));
  const encoding = encodeInSlices(data, [save]);
  setImmediate(() => turns++); // runs only if the encoding yields before it ends
  const { bytes, longestSliceMs } = await encoding;
  t.is(steps, 5, 'the deferred save was stepped to its end first');
  t.true(turns >= 1, 'other work ran before the encoding ended');
  t.true(Number.isFinite(longestSliceMs), 'the longest slice is measured');
  t.deepEqual(decodeCheckpointData(bytes), data);
});

test('an encoding that fails rejects with what could not be encoded', async (t) => {
  const data = {
    ...checkpoint(large(10)),
    inputs: [{ name: 'q', batches: [[1000, [() => 1]]], position: 0 }],
  };
  await t.throwsAsync(encodeInSlices(data as CheckpointData, []), {
    message: /could not encode checkpoint state/,
  });
});
