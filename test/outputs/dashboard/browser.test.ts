/**
 * The dashboard end to end in a real headless Chromium, against a context on a ManualClock: the
 * page loads without console errors and draws with uPlot, advancing the clock updates the
 * recent-batches table and the job's panels live, a late-joining browser gets the history first,
 * a token-protected dashboard lets a browser in through `?token=` once, and `ssc.stop()` ends
 * it. Every wait is for a DOM condition with an explicit limit. Saves
 * `test-artifacts/dashboard.png`.
 */
import test from 'ava';
import { mkdirSync } from 'node:fs';
import { Subject } from 'rxjs';
import { ManualClock, StreamingContext } from '../../../lib/index.js';
import { dashboard } from '../../../outputs/dashboard/index.js';
import { openBrowser, watchedPage } from './browser.js';
import type { Page } from 'playwright-core';

/** The text of every cell of the bar panel `name`: label, bar, value, label, ... */
async function bars(page: Page, name: string): Promise<string[]> {
  return page
    .locator(`[data-panel="${name}"] .bar-label, [data-panel="${name}"] .bar-value`)
    .allTextContents();
}

/** Waits for the batch row of `time` with `status`. */
async function batchRow(page: Page, time: number, status: string): Promise<void> {
  await page.waitForSelector(`#batches-body tr[data-batch-time="${time}"][data-status="${status}"]`, {
    timeout: 10_000,
  });
}

test('the page updates live as the clock advances, a late browser gets the history, and stop ends it', async (t) => {
  t.timeout(120_000);
  const clock = new ManualClock();
  const ssc = new StreamingContext({
    batchInterval: 1000,
    clock,
    name: 'dashboard-browser',
    onBatchError: 'continue',
  });
  const words = ssc.queueStream([
    ['spark', 'kindling', 'kindling', 'stream'],
    ['kindling', 'rx', 'rx', 'rx', 'node'],
    ['fail', 'spark'],
    ['late', 'joiner', 'joiner'],
  ]);
  const board = dashboard(ssc, { port: 0 });
  board
    .panel(words.count(), 'words per batch', { kind: 'line', unit: 'words' })
    .panel(words, 'by length', {
      kind: 'line',
      value: (records) => ({
        short: records.filter((w) => w.length < 5).length,
        long: records.filter((w) => w.length >= 5).length,
      }),
    })
    .panel(
      words.map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b),
      'top words',
      { kind: 'bar', top: 3 },
    )
    .panel(
      words.map((word) => ({ word, length: word.length })),
      'latest words',
      { kind: 'table' },
    );
  words.foreachBatch((records) => {
    if (records.includes('fail')) throw new Error('a bad word arrived');
  });
  ssc
    .fromObservable(new Subject<string>())
    .count()
    .foreachBatch(() => undefined);

  t.teardown(() => ssc.stop());
  const url = await board.url();
  await ssc.start();

  const browser = await openBrowser(t);
  const { page, errors } = await watchedPage(browser);
  await page.goto(url);
  await page.waitForSelector('#status:text-is("waiting")');
  await page.waitForSelector('#receivers-body tr[data-receiver="fromObservable"] .pill-active');
  t.is(await page.textContent('#job-name'), 'dashboard-browser');

  await clock.advance(1000);
  await batchRow(page, 1000, 'completed');
  await page.waitForSelector('figure[data-metric="inputRate"] canvas');
  await page.waitForSelector('[data-panel="words per batch"] canvas');
  await page.waitForSelector('[data-panel="by length"] .u-legend');
  await page.waitForSelector('[data-panel="latest words"] tbody tr:nth-child(4)');
  t.is(await page.locator('[data-panel="latest words"] tbody tr').count(), 4);
  t.deepEqual((await bars(page, 'top words')).slice(0, 2), ['kindling', '2']);
  t.is(await page.textContent('#status'), 'active');

  await clock.advance(1000);
  await batchRow(page, 2000, 'completed');
  await page.waitForSelector('[data-panel="top words"] .bars > .bar-label:first-child:text-is("rx")');
  t.deepEqual(await bars(page, 'top words'), ['rx', '3', 'kindling', '1', 'node', '1']);
  await page.waitForSelector('[data-panel="latest words"] .panel-note:text-is("batch 2 s · 5 of 5 records")');
  const row = await page.locator('#batches-body tr[data-batch-time="2000"] td').allTextContents();
  t.deepEqual(row.slice(0, 3), ['2 s', '5', '5']);
  t.is(row[6], '6/6', 'all six output operations succeeded');

  await clock.advance(1000);
  await batchRow(page, 3000, 'failed');
  t.regex(
    String(await page.textContent('#batches-body tr[data-batch-time="3000"]')),
    /failed.*a bad word arrived/,
  );
  await page.waitForSelector('#errors li:has-text("a bad word arrived")');

  const late = await watchedPage(browser);
  await late.page.goto(url);
  await batchRow(late.page, 3000, 'failed');
  t.is(await late.page.locator('#batches-body tr').count(), 3, 'the history came first');
  t.deepEqual(await bars(late.page, 'top words'), ['fail', '1', 'spark', '1']);
  await late.page.waitForSelector('[data-panel="words per batch"] canvas');

  await clock.advance(1000);
  await batchRow(page, 4000, 'completed');
  await batchRow(late.page, 4000, 'completed');
  t.deepEqual((await bars(late.page, 'top words')).slice(0, 2), ['joiner', '2']);
  await page.waitForSelector('#headline:has-text("3 completed batches")');

  mkdirSync('test-artifacts', { recursive: true });
  await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true });
  t.deepEqual(errors, [], 'no console errors in the first browser');
  t.deepEqual(late.errors, [], 'no console errors in the late browser');

  await ssc.stop();
  await page.waitForSelector('#status:text-is("stopped")');
  await late.page.waitForSelector('#status:text-is("stopped")');
  t.is(board.clients, 0);
  t.deepEqual([...errors, ...late.errors], [], 'the stop is not an error either');
});

test('a dashboard with a token: refused without it, in through ?token= once, live through the cookie', async (t) => {
  t.timeout(120_000);
  const clock = new ManualClock();
  const ssc = new StreamingContext({ batchInterval: 1000, clock, name: 'dashboard-browser-token' });
  const token = 'browser-test-token-9f8e7d6c5b4a';
  const board = dashboard(ssc, { port: 0, token });
  board.panel(ssc.queueStream([['a', 'b']]).count(), 'count');
  t.teardown(() => ssc.stop());
  const url = await board.url();
  await ssc.start();

  const browser = await openBrowser(t);
  const refused = await browser.newPage();
  const answer = await refused.goto(url);
  t.is(answer?.status(), 401);
  t.regex(String(await refused.textContent('body')), /this dashboard needs its token/);

  const { page, errors } = await watchedPage(browser);
  await page.goto(`${url}?token=${token}`);
  t.is(page.url(), url, 'the token is gone from the address');
  await page.waitForSelector('#status:text-is("waiting")');
  await clock.advance(1000);
  await batchRow(page, 1000, 'completed');
  await page.waitForSelector('[data-panel="count"] canvas');
  t.deepEqual(errors, []);
});
