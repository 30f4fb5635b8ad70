/**
 * Where a Kafka direct stream starts, against the real broker (`scripts/servers/kafka.ts`):
 * `'latest'` skips what the topic held before the start, explicit offsets win over the group's
 * committed ones, and partitions not named start at the earliest offset.
 */
import test from 'ava';
import { StreamingContext } from '../../../lib/index.js';
import { kafkaDirectStream, type KafkaDirectStreamOptions } from '../../../receivers/index.js';
import { createTopic, kafkaBrokers, produce, testKafka } from '../../helpers/kafka.js';
import { logServerOnFailure, uniqueName } from '../../helpers/servers.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Runs a direct stream until it has read `count` records (or 30 s passed); returns `partition@value`. */
async function readUntil(
  options: Omit<KafkaDirectStreamOptions, 'brokers'>,
  count: number,
  afterStart?: () => Promise<void>,
): Promise<string[]> {
  const ssc = new StreamingContext({ batchInterval: 100, logger: quiet });
  const seen: string[] = [];
  let enough: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (enough = resolve));
  kafkaDirectStream(ssc, { brokers: kafkaBrokers(), ...options }).foreachBatch((records) => {
    for (const r of records) seen.push(`${r.partition}@${r.value}`);
    if (seen.length >= count) enough();
  });
  await ssc.start();
  try {
    await afterStart?.();
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 30_000).unref());
    await Promise.race([done, timeout]);
    // One more batch, to see that nothing beyond `count` arrives.
    await new Promise<void>((resolve) => {
      const sub = ssc.events.subscribe((e) => {
        if (e.type === 'batchCompleted') {
          sub.unsubscribe();
          resolve();
        }
      });
    });
  } finally {
    await ssc.stop({ graceful: true });
  }
  return seen.sort();
}

test("'latest' reads only what is written after the start", async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'kafka');
  const topic = await createTopic('latest', 1);
  await produce(topic, [{ value: 'old-1' }, { value: 'old-2' }]);
  const seen = await readUntil(
    { topics: [topic], groupId: uniqueName('latest'), startingOffsets: 'latest' },
    2,
    () => produce(topic, [{ value: 'new-1' }, { value: 'new-2' }]),
  );
  t.deepEqual(seen, ['0@new-1', '0@new-2']);
});

test('explicit offsets win over the committed ones; partitions not named start at the earliest', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'kafka');
  const topic = await createTopic('explicit', 2);
  const messages = [0, 1].flatMap((partition) =>
    [0, 1, 2, 3].map((i) => ({ value: `p${partition}-${i}`, partition })),
  );
  await produce(topic, messages);
  const groupId = uniqueName('explicit');
  const admin = testKafka().admin();
  await admin.connect();
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
  await admin.disconnect();
  const seen = await readUntil({ topics: [topic], groupId, startingOffsets: { [topic]: { 0: 3 } } }, 5);
  t.deepEqual(seen, ['0@p0-3', '1@p1-0', '1@p1-1', '1@p1-2', '1@p1-3']);
});
