/**
 * The showcase's window reports on a ManualClock: the tweets/s of a window that the job has not
 * filled yet are divided by the time it has covered, not by its length.
 */
import test from 'ava';
import { ManualClock, StreamingContext, seconds, type Lookup } from 'kindling';
import { showcase, type Profile, type WindowReport } from '../../../examples/tweets/job.js';
import { perSecond, windowReports } from '../../../examples/tweets/report.js';
import { tweet } from './tweets.js';

const noUsers: Lookup<string, Profile> = { name: 'users', getAll: async () => new Map() };

test('perSecond divides by the time the window covered since the job started, at most its length', (t) => {
  const table: [count: number, time: number, jobStart: number, window: number, rate: number][] = [
    [50, 5_000, 0, 30_000, 10], // 5 s into the job: 5 s covered
    [300, 30_000, 0, 30_000, 10], // just full
    [300, 60_000, 0, 30_000, 10], // full long since: the window's length
    [100, 12_000, 2_000, 30_000, 10], // the job started at 2 s
    [0, 0, 0, 30_000, 0], // nothing covered yet
  ];
  for (const [count, time, jobStart, window, rate] of table) {
    t.is(perSecond(count, time, jobStart, window), rate, `${count} in the window ending at ${time}`);
  }
});

test('a 30 s window reports the rate that flows from its first slide on, 10 tweets a batch at 10/s', async (t) => {
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: seconds(1), clock });
  const batches = Array.from({ length: 40 }, (_, b) =>
    Array.from({ length: 10 }, (_, i) => tweet(`${b}-${i}`)),
  );
  const windowDuration = seconds(30);
  const streams = showcase(ssc.queueStream(batches), noUsers, { windowDuration, slideDuration: seconds(5) });
  const reports: WindowReport[] = [];
  windowReports(streams, { windowDuration, top: 3 }, (report) => void reports.push(report));
  await ssc.start();
  await clock.advance(seconds(40));
  await ssc.stop();

  t.deepEqual(
    reports.map((r) => [r.time, r.tweetsPerSecond]),
    [5, 10, 15, 20, 25, 30, 35, 40].map((s) => [seconds(s), 10]),
  );
});
