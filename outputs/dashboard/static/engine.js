/*
 * The engine's statistics as Spark's Streaming tab shows them: the headline and averages, the
 * input rate and delays per batch as time series, the receivers, recent batches and errors.
 */
/* global document */
import { makeChart } from './charts.js';
import { byId, cell, el, pill } from './dom.js';
import { formatDuration, formatNumber, formatTime } from './format.js';

const shownBatches = 20;

/** How many recent errors the page lists. */
export const shownErrors = 20;

/** Shows `text` (a state: active, stopped, disconnected, ...) in the header. */
export function setStatus(text) {
  const status = byId('status');
  status.className = `pill pill-${text}`;
  status.textContent = text;
}

/** The headline (like Spark's "Running batches of 1 s for ...") and the average cards. */
export function drawSummary(s) {
  if (!s) return;
  byId('job-name').textContent = s.name;
  document.title = `${s.name} · Kindling`;
  setStatus(s.state === 'stopped' ? 'stopped' : s.state);
  byId('avg-input-rate').textContent = formatNumber(s.averageInputRate);
  byId('avg-scheduling-delay').textContent = formatDuration(s.averageSchedulingDelay);
  byId('avg-processing-delay').textContent = formatDuration(s.averageProcessingDelay);
  byId('avg-total-delay').textContent = formatDuration(s.averageTotalDelay);
  byId('dead-letters').textContent = formatNumber(s.totalDeadLetters);
  const headline = byId('headline');
  if (s.firstBatchTime === null) {
    headline.textContent = `Batches of ${formatDuration(s.batchInterval)}; waiting for the first batch.`;
    return;
  }
  const span = s.lastBatchTime - s.firstBatchTime + s.batchInterval;
  const verb = s.state === 'stopped' ? 'Ran' : 'Running';
  headline.replaceChildren(
    `${verb} batches of `,
    el('strong', null, formatDuration(s.batchInterval)),
    ` for ${formatDuration(span)} since ${formatTime(s.firstBatchTime)} (`,
    el('strong', null, formatNumber(s.completedBatches)),
    ' completed batches, ',
    el('strong', null, formatNumber(s.totalRecords)),
    ' records',
    ...(s.failedBatches > 0
      ? [', ', el('strong', 'error-text', formatNumber(s.failedBatches)), ' failed']
      : []),
    ').',
    ...(s.stopError ? [' ', el('span', 'error-text', `Stopped by: ${s.stopError}`)] : []),
  );
}

/** The recent-batches table, newest first. */
export function drawBatches(batches) {
  const rows = [...batches.values()].sort((a, b) => b.batchTime - a.batchTime).slice(0, shownBatches);
  byId('batches-count').textContent = batches.size > 0 ? `(latest ${rows.length} of ${batches.size})` : '';
  byId('batches-empty').hidden = rows.length > 0;
  byId('batches-body').replaceChildren(
    ...rows.map((b) => {
      const ops = b.outputOperations;
      const status = el('td', 'wrap', [pill(b.status)]);
      if (b.error) status.append(' ', el('span', 'error-text', b.error));
      const tr = el('tr', null, [
        cell(formatTime(b.batchTime)),
        cell(formatNumber(b.records), 'num'),
        cell(formatNumber(b.inputRate), 'num'),
        cell(formatDuration(b.schedulingDelay), 'num'),
        cell(formatDuration(b.processingDelay), 'num'),
        cell(formatDuration(b.totalDelay), 'num'),
        cell(`${ops.succeeded}/${ops.started}${ops.failed > 0 ? ` (${ops.failed} failed)` : ''}`, 'num'),
        status,
      ]);
      tr.dataset.batchTime = String(b.batchTime);
      tr.dataset.status = b.status;
      return tr;
    }),
  );
}

/** The receivers table: state, since when, rate limit, errors. */
export function drawReceivers(receivers) {
  const rows = [...receivers.values()].sort((a, b) => a.streamId - b.streamId);
  byId('receivers-empty').hidden = rows.length > 0;
  byId('receivers-body').replaceChildren(
    ...rows.map((r) => {
      const stateCell = el('td', null, [pill(r.state)]);
      if (r.state === 'restarting' && r.restartIn !== null)
        stateCell.append(` in ${formatDuration(r.restartIn)}`);
      if (r.state === 'stopped' && r.stopReason) stateCell.append(` (${r.stopReason})`);
      const last = r.lastError ? `${formatTime(r.lastErrorAt)}: ${r.lastError}` : '–';
      const tr = el('tr', null, [
        cell(r.name),
        cell(String(r.streamId), 'num'),
        stateCell,
        cell(formatTime(r.since)),
        cell(r.rateLimit === null ? '–' : `${formatNumber(r.rateLimit)}/s`, 'num'),
        cell(formatNumber(r.errors), 'num'),
        cell(last, r.lastError ? 'wrap error-text' : 'wrap'),
      ]);
      tr.dataset.receiver = r.name;
      return tr;
    }),
  );
}

/** The recent errors, newest first. */
export function drawErrors(errors) {
  const list = byId('errors');
  const recent = errors.slice(-shownErrors).reverse();
  if (recent.length === 0) {
    list.replaceChildren(el('li', 'empty', 'No errors.'));
    return;
  }
  list.replaceChildren(
    ...recent.map((e) =>
      el('li', null, [
        el('span', 'when', formatTime(e.at)),
        el('span', 'source', e.batchTime === null ? e.source : `${e.source} ${formatTime(e.batchTime)}`),
        el('span', 'error-text', e.message),
      ]),
    ),
  );
}

const engineCharts = [...document.querySelectorAll('figure[data-metric]')].map((figure) => ({
  metric: figure.dataset.metric,
  unit: figure.dataset.unit,
  container: figure.querySelector('.plot'),
  chart: null,
}));

/** Input rate, scheduling delay, processing time and total delay of the finished batches. */
export function drawEngineCharts(batches) {
  const done = [...batches.values()]
    .filter((b) => b.status === 'completed' || b.status === 'failed')
    .sort((a, b) => a.batchTime - b.batchTime);
  if (done.length === 0) return;
  const xs = done.map((b) => b.batchTime / 1000);
  for (const entry of engineCharts) {
    entry.chart ??= makeChart(entry.container, [entry.unit], done[0].batchTime);
    entry.chart.setData([xs, done.map((b) => b[entry.metric])]);
  }
}
