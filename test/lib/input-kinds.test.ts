import test from 'ava';
import { Subject } from 'rxjs';
import { ManualClock, StreamingContext } from '../../lib/index.js';
import { inputKinds } from '../../lib/input-kinds.js';
import { CountingSource } from '../helpers/counting-source.js';

test('inputs are told apart by kind, with their stream ids; every input but the batch sources stops first', (t) => {
  const ssc = new StreamingContext({ batchInterval: 1000, clock: new ManualClock() });
  const queue = ssc.queueStream([[1]]);
  const observed = ssc.fromObservable(new Subject<number>());
  const source = ssc.sourceStream(new CountingSource('numbers', 1));
  const socket = ssc.socketTextStream('127.0.0.1', 9);
  const kinds = inputKinds(ssc.graph.inputs);
  t.deepEqual(
    kinds.receivers.map(({ streamId, input }) => [streamId, input.name]),
    [
      [1, observed.operatorName],
      [3, socket.operatorName],
    ],
  );
  t.deepEqual(
    kinds.sources.map(({ streamId, input }) => [streamId, input.name]),
    [[2, source.operatorName]],
  );
  t.deepEqual(
    kinds.stoppedFirst.map((input) => input.name),
    [queue.operatorName, observed.operatorName, socket.operatorName],
  );
});
