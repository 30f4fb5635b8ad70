/** hdfsTextFileStream against the real HDFS: files that appear become the next batch's lines. */
import test from 'ava';
import { ConfigurationError, ManualClock, StreamingContext } from '../../../lib/index.js';
import { HdfsTextFileSource, hdfsTextFileStream } from '../../../receivers/hdfs/index.js';
import { hdfsClient, hdfsPorts, hdfsUrl, uniqueHdfsDir } from '../../helpers/hdfs.js';
import { logServerOnFailure } from '../../helpers/servers.js';

/** Writes `text` as `dir/name` the way a producer should: aside, then renamed in. */
async function drop(dir: string, name: string, text: string): Promise<void> {
  const fs = hdfsClient();
  await fs.create(`${dir}/.${name}.tmp`, text);
  await fs.rename(`${dir}/.${name}.tmp`, `${dir}/${name}`);
}

test('files that appear become the next batch, in name order; files there at start are skipped', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('text-stream');
  await drop(dir, 'old.txt', 'old line\n');
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'hdfs-text' });
  const batches: [number, string[]][] = [];
  hdfsTextFileStream(ssc, hdfsUrl(dir), { httpPort: hdfsPorts().http }).foreachBatch((records, time) => {
    batches.push([time, [...records]]);
  });
  await ssc.start();
  await clock.advance(1000);
  await drop(dir, 'b.txt', 'b1\r\nb2\r\n');
  await drop(dir, 'a.txt', 'a1\na2'); // no newline at the end
  await hdfsClient().create(`${dir}/_SUCCESS`, ''); // markers and temp names are ignored
  await clock.advance(1000);
  await clock.advance(1000); // nothing new
  await drop(dir, 'c.txt', 'c1\n');
  await clock.advance(1000);
  await ssc.stop();
  t.deepEqual(batches, [
    [1000, []],
    [2000, ['a1', 'a2', 'b1', 'b2']],
    [3000, []],
    [4000, ['c1']],
  ]);
});

test('the position is the names read; a restored source reads only the others', async (t) => {
  t.timeout(90_000);
  logServerOnFailure(t, 'hdfs');
  const dir = uniqueHdfsDir('text-position');
  const options = { httpPort: hdfsPorts().http, includeExisting: true };
  await drop(dir, 'one.txt', '1\n');
  const first = new HdfsTextFileSource(hdfsUrl(dir), options);
  await first.start();
  const firstPlan = await first.plan();
  t.deepEqual(firstPlan, ['one.txt']);
  t.deepEqual(await first.read(1000, firstPlan), ['1']);
  t.deepEqual(first.position(), ['one.txt']);
  await drop(dir, 'two.txt', '2\n');
  const again = new HdfsTextFileSource(hdfsUrl(dir), options);
  again.restore(first.position());
  await again.start();
  const plan = await again.plan();
  t.deepEqual(plan, ['two.txt']);
  t.deepEqual(await again.read(2000, plan), ['2']);
  t.deepEqual(await again.read(2000, plan), ['2'], 'a plan reads the same lines again');
  t.deepEqual(again.position(), ['one.txt', 'two.txt']);
  t.is(again.client.requests, 5, 'one LISTSTATUS, one OPEN (NameNode and DataNode) per read');
  t.throws(() => again.restore('nope'), { instanceOf: ConfigurationError });
});

test('a missing folder is an empty one', async (t) => {
  t.timeout(60_000);
  const source = new HdfsTextFileSource(hdfsUrl(uniqueHdfsDir('text-none')), { httpPort: hdfsPorts().http });
  await source.start();
  const plan = await source.plan();
  t.deepEqual(await source.read(1000, plan), []);
});
