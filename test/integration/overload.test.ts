/**
 * Overload: a job that can process about 1000 records per second is offered 5000 per second over
 * a real TCP socket for 60 s. Backpressure must hold memory under a cap, bring the estimated rate
 * near the job's capacity, stop the scheduling delay from growing, and lose nothing.
 *
 * Bands (chosen wide for a noisy shared 2-core machine): peak RSS of the job < 300 MB; the last
 * five rates during the overload within 0.3x..2x of the measured capacity (the median speed, in
 * records per second of processing, of the last 10 batches with records); over the last 20 s of
 * overload, the largest scheduling delay of the last 10 batches is at most 2 s above that of the
 * 10 before (batches alternate between large and small, so single delays near 1 s are normal;
 * without backpressure the delay would grow by seconds every batch); after the sender stops, the
 * job counts exactly the lines sent, in order, within 60 s.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

/** Busy time per record, µs: a capacity of about 1000 records per second. */
const COST_MICROS = 1000;
/** Lines offered per second: 5x the capacity. */
const OFFERED_PER_SECOND = 5000;
const SEND_MS = 60_000;
/** Bytes per line (with its \n): long lines keep what TCP buffers (some MB) a few seconds of work. */
const LINE_BYTES = 2000;
/** The job's receiverBufferBytes: 8 MiB (estimated, 2 bytes per character). */
const BUFFER_BYTES = 8 * 1024 * 1024;
const RSS_CAP = 300 * 1024 * 1024;

interface BatchLine {
  readonly type: 'batchCompleted';
  readonly batchTime: number;
  readonly records: number;
  readonly schedulingDelay: number;
  readonly processingDelay: number;
  readonly counted: number;
  readonly outOfOrder: number;
  readonly rss: number;
}
interface RateLine {
  readonly type: 'rateUpdated';
  readonly rate: number;
  readonly at: number;
}

test('overload at 5x capacity for 60 s: bounded memory, rate near capacity, stable delay, nothing lost', async (t) => {
  t.timeout(180_000);
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const connections = new Set<Socket>();
  server.on('connection', (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  t.teardown(() => {
    for (const socket of connections) socket.destroy();
    server.close();
  });

  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/fixtures/overload-job.ts',
      String(port),
      String(COST_MICROS),
      String(BUFFER_BYTES),
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  t.teardown(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const batches: BatchLine[] = [];
  const rates: RateLine[] = [];
  const other: string[] = [];
  let onBatch: (() => void) | undefined;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as BatchLine | RateLine | { type: string };
    if (event.type === 'batchCompleted') {
      batches.push(event as BatchLine);
      onBatch?.();
    } else if (event.type === 'rateUpdated') rates.push({ ...(event as RateLine), at: Date.now() });
    else other.push(line);
  });

  const [socket] = (await once(server, 'connection')) as [Socket];
  const sent = await sendFor(socket, SEND_MS);
  const stoppedAt = Date.now();

  // Every line sent is eventually counted, in order.
  const deadline = stoppedAt + 60_000;
  while ((batches.at(-1)?.counted ?? 0) < sent.lines && Date.now() < deadline) {
    await new Promise<void>((resolve) => (onBatch = resolve));
  }
  child.stdin.write('stop\n');
  const code = await new Promise<number | null>((resolve) =>
    child.exitCode === null ? child.once('exit', resolve) : resolve(child.exitCode),
  );
  t.is(code, 0, stderr);

  const during = batches.filter((b) => b.batchTime <= stoppedAt);
  // The job's speed now (it changes with the machine's load): the last 10 batches that had work.
  const speeds = during
    .filter((b) => b.records > 0 && b.processingDelay > 0)
    .slice(-10)
    .map((b) => (b.records * 1000) / b.processingDelay);
  const capacity = median(speeds);
  const lastRates = rates
    .filter((r) => r.at <= stoppedAt)
    .slice(-5)
    .map((r) => Math.round(r.rate));
  const last20s = during.filter((b) => b.batchTime > stoppedAt - 20_000);
  const earlier = Math.max(...last20s.slice(-20, -10).map((b) => b.schedulingDelay));
  const later = Math.max(...last20s.slice(-10).map((b) => b.schedulingDelay));
  const peakRss = Math.max(...batches.map((b) => b.rss));
  const final = batches.at(-1);
  t.log({
    offered: sent.offered,
    sent: sent.lines,
    drainWaits: sent.drainWaits,
    counted: final?.counted,
    capacity: Math.round(capacity),
    lastRates,
    schedulingDelayMax: { earlier, later },
    peakRssMB: Math.round(peakRss / 1048576),
    lastBatches: during.slice(-12).map((b) => `${b.records}r ${b.processingDelay}p ${b.schedulingDelay}s`),
    drainedIn: (batches.find((b) => b.counted >= sent.lines)?.batchTime ?? NaN) - stoppedAt,
  });

  t.true(sent.drainWaits > 0, 'the sender was held back by TCP');
  t.true(sent.offered > sent.lines, 'the job could not take all that was offered');
  t.true(peakRss < RSS_CAP, `peak RSS ${peakRss} bytes is under ${RSS_CAP}`);
  t.is(speeds.length, 10, 'enough batches with records to measure the capacity');
  t.is(lastRates.length, 5, 'the rate was updated during the overload');
  for (const rate of lastRates) {
    t.true(rate >= 0.3 * capacity && rate <= 2 * capacity, `rate ${rate} within 0.3x..2x of ${capacity}`);
  }
  t.true(last20s.length >= 15, `batches ran during the last 20 s: ${last20s.length}`);
  t.true(later <= earlier + 2000, `scheduling delay stopped growing: ${later} ms after ${earlier} ms`);
  t.is(final?.counted, sent.lines, 'every line sent was counted');
  t.is(final?.outOfOrder, 0, 'in order, without gaps');
});

/**
 * Offers OFFERED_PER_SECOND lines per second for `ms`, in 10 ms slices. While the socket's buffer
 * is full (write returned false) it waits for 'drain' and the lines of the slices missed meanwhile
 * are not sent: what counts is what was written. Returns the lines offered and written.
 */
async function sendFor(
  socket: Socket,
  ms: number,
): Promise<{ offered: number; lines: number; drainWaits: number }> {
  const pad = 'x'.repeat(LINE_BYTES);
  const line = (seq: number) => `${seq} ${pad.slice(String(seq).length + 2)}\n`;
  const due = (slice: number) => Math.floor((slice * OFFERED_PER_SECOND) / 100);
  const start = Date.now();
  let lines = 0;
  let offered = 0;
  let drainWaits = 0;
  let slice = 0;
  while (Date.now() - start < ms) {
    const count = due(slice + 1) - due(slice);
    slice++;
    let text = '';
    for (let i = 0; i < count; i++) text += line(lines++);
    offered += count;
    if (!socket.write(text)) {
      drainWaits++;
      await once(socket, 'drain');
      // The slices missed while waiting were offered but not written.
      const now = Math.floor(((Date.now() - start) * 100) / 1000);
      if (now > slice) {
        offered += due(now) - due(slice);
        slice = now;
      }
    }
    const next = start + slice * 10;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
  }
  return { offered, lines, drainWaits };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
