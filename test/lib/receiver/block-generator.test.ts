import test from 'ava';
import { ManualClock, Receiver, StoppedError } from '../../../lib/index.js';
import { BlockGenerator, type Block } from '../../../lib/receiver/block-generator.js';
import { collect, setup } from './harness.js';

function generator(blockInterval = 200) {
  const clock = new ManualClock();
  const blocks = new BlockGenerator<string>(7, clock, blockInterval);
  const cut: Block<string>[] = [];
  blocks.blocks.subscribe((block) => cut.push(block));
  blocks.start();
  return { clock, blocks, cut };
}

test('a block is cut every block interval, only when records arrived', async (t) => {
  const { clock, blocks, cut } = generator();
  blocks.add(['a', 'b']);
  await clock.advance(200);
  await clock.advance(200);
  blocks.add(['c']);
  await clock.advance(100);
  blocks.add(['d']);
  await clock.advance(100);
  t.deepEqual(cut, [
    { streamId: 7, time: 200, records: ['a', 'b'] },
    { streamId: 7, time: 600, records: ['c', 'd'] },
  ]);
});

test('records stored at the very time of a cut wait for the next block', async (t) => {
  const { clock, blocks, cut } = generator();
  await clock.advance(200);
  blocks.add(['at 200']);
  blocks.cut(200);
  t.deepEqual(cut, [], 'a cut at 200 takes only what was stored before 200');
  await clock.advance(100);
  blocks.add(['at 300']);
  blocks.cut(300);
  t.deepEqual(cut, [{ streamId: 7, time: 300, records: ['at 200'] }]);
  blocks.cut();
  t.deepEqual(cut[1]?.records, ['at 300'], 'a cut with no time takes everything');
});

test('stop cuts what is left, ends the timer, and refuses later records', async (t) => {
  const { clock, blocks, cut } = generator();
  blocks.add(['x']);
  const completed = new Promise<void>((resolve) => blocks.blocks.subscribe({ complete: resolve }));
  blocks.stop();
  await completed;
  await clock.advance(1000);
  t.deepEqual(
    cut.map((b) => b.records),
    [['x']],
  );
  t.throws(() => blocks.add(['y']), { instanceOf: StoppedError, message: /1 records not taken/ });
});

test('whenStored resolves once the total is reached', async (t) => {
  const { blocks } = generator();
  const order: string[] = [];
  const three = blocks.whenStored(3).then(() => order.push('3'));
  const one = blocks.whenStored(1).then(() => order.push('1'));
  blocks.add(['a', 'b']);
  await one;
  t.deepEqual(order, ['1']);
  blocks.add(['c']);
  await three;
  t.deepEqual(order, ['1', '3']);
  t.is(blocks.storedTotal, 3);
  await blocks.whenStored(2);
  t.pass();
});

/** A receiver the test stores through directly. */
class Metronome extends Receiver<string> {
  onStart(): void {}
  onStop(): void {}
}

test('a batch holds the blocks cut during its interval plus what was stored before its time', async (t) => {
  const { clock, ssc } = setup({ blockInterval: 200 });
  const receiver = new Metronome('metronome');
  const out = collect(ssc.receiverStream(receiver));
  await ssc.start();
  for (let i = 1; i <= 10; i++) {
    await receiver.store([`t${clock.now()}`]);
    await clock.advance(150);
  }
  await clock.advance(1500);
  await ssc.stop();
  t.deepEqual(out, [
    { time: 1000, records: ['t0', 't150', 't300', 't450', 't600', 't750', 't900'] },
    { time: 2000, records: ['t1050', 't1200', 't1350'] },
    { time: 3000, records: [] },
  ]);
});

test('graceful stop: everything stored before stop lands in a batch that runs before stop resolves', async (t) => {
  const { clock, ssc, events } = setup();
  const receiver = new Metronome('graceful');
  const out = collect(ssc.receiverStream(receiver));
  await ssc.start();
  await clock.advance(1000);
  await receiver.store(['a', 'b']);
  await clock.advance(500);
  await receiver.store(['c']);
  const stopping = ssc.stop({ graceful: true });
  let stopped = false;
  void stopping.then(() => (stopped = true));
  await clock.advance(499);
  t.false(stopped, 'waits for the batch that takes the last block');
  await clock.advance(1001);
  await stopping;
  t.deepEqual(out, [
    { time: 1000, records: [] },
    { time: 2000, records: ['a', 'b', 'c'] },
  ]);
  const order = events.map((e) => (e.type === 'batchCompleted' ? `batch ${e.batchTime}` : e.type));
  t.true(order.indexOf('batch 2000') < order.indexOf('contextStopped'));
  t.true(order.indexOf('receiverStopped') < order.indexOf('batch 2000'));
});

test('graceful stop keeps what onStop stores as its last flush', async (t) => {
  const { clock, ssc } = setup();
  class Flushing extends Receiver<string> {
    onStart(): void {}
    async onStop(): Promise<void> {
      await this.store(['flushed on stop']);
    }
  }
  const out = collect(ssc.receiverStream(new Flushing('flushing')));
  await ssc.start();
  const stopping = ssc.stop({ graceful: true });
  await clock.advance(1000);
  await stopping;
  t.deepEqual(out, [{ time: 1000, records: ['flushed on stop'] }]);
});
