/*
 * Kindling dashboard page: listens to the server's event stream (`events`), keeps the recent
 * batches, receivers, errors and the job's panels, and draws them (time series with uPlot).
 * Plain browser JavaScript, served as is. Every value is put in the page as text, never as HTML.
 */
/* global uPlot, document, Node, ResizeObserver, requestAnimationFrame, EventSource */
'use strict';

(() => {
  const palette = ['#e8590c', '#1c7ed6', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#e03131', '#5c940d'];
  const shownBatches = 20;
  const shownErrors = 20;

  const state = {
    summary: null,
    batches: new Map(),
    receivers: new Map(),
    errors: [],
    panels: new Map(),
  };

  // ---- formatting -------------------------------------------------------------------------

  const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

  /** Batch times are epoch ms with a system clock and small numbers with a manual clock. */
  const isEpoch = (ms) => ms > 1e11;

  function formatTime(ms) {
    if (ms === null || ms === undefined) return '–';
    if (isEpoch(ms)) return new Date(ms).toLocaleTimeString('en-GB');
    return `${numberFormat.format(ms / 1000)} s`;
  }

  function formatDuration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60_000) return `${numberFormat.format(ms / 1000)} s`;
    const minutes = Math.floor(ms / 60_000);
    return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  }

  function formatNumber(value) {
    return value === null || value === undefined ? '–' : numberFormat.format(value);
  }

  // ---- DOM helpers ------------------------------------------------------------------------

  const byId = (id) => document.getElementById(id);

  /** An element with a class and text (or children). */
  function el(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (Array.isArray(content)) node.append(...content);
    else if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  function pill(text) {
    return el('span', `pill pill-${text}`, text);
  }

  function cell(content, className) {
    const td = el('td', className, content instanceof Node ? [content] : content);
    return td;
  }

  // ---- charts -----------------------------------------------------------------------------

  /** A uPlot chart in `container` for `labels` (the x series is batch time in seconds). */
  function makeChart(container, labels, firstTime) {
    const epoch = isEpoch(firstTime ?? 0);
    const width = Math.max(240, container.clientWidth || 400);
    const options = {
      width,
      height: 180,
      legend: { show: labels.length > 1 },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: epoch } },
      axes: [
        {
          stroke: '#6b7280',
          grid: { stroke: '#eef0f3' },
          ticks: { stroke: '#e3e6eb' },
          ...(epoch ? {} : { values: (_, ticks) => ticks.map((t) => `${numberFormat.format(t)} s`) }),
        },
        {
          stroke: '#6b7280',
          size: 56,
          grid: { stroke: '#eef0f3' },
          ticks: { stroke: '#e3e6eb' },
          values: (_, ticks) => ticks.map((t) => numberFormat.format(t)),
        },
      ],
      series: [
        { label: 'batch time', value: (_, v) => (v === null ? '–' : formatTime(v * 1000)) },
        ...labels.map((label, n) => ({
          label,
          stroke: palette[n % palette.length],
          width: 2,
          fill: labels.length === 1 ? `${palette[n % palette.length]}1a` : undefined,
          points: { size: 4 },
          spanGaps: false,
        })),
      ],
    };
    const chart = new uPlot(options, [[], ...labels.map(() => [])], container);
    new ResizeObserver(() => {
      const w = Math.max(240, container.clientWidth);
      if (w !== chart.width) chart.setSize({ width: w, height: 180 });
    }).observe(container);
    return chart;
  }

  const engineCharts = [...document.querySelectorAll('figure[data-metric]')].map((figure) => ({
    metric: figure.dataset.metric,
    unit: figure.dataset.unit,
    container: figure.querySelector('.plot'),
    chart: null,
  }));

  function drawEngineCharts() {
    const done = [...state.batches.values()]
      .filter((b) => b.status === 'completed' || b.status === 'failed')
      .sort((a, b) => a.batchTime - b.batchTime);
    if (done.length === 0) return;
    const xs = done.map((b) => b.batchTime / 1000);
    for (const entry of engineCharts) {
      entry.chart ??= makeChart(entry.container, [entry.unit], done[0].batchTime);
      entry.chart.setData([xs, done.map((b) => b[entry.metric])]);
    }
  }

  // ---- the job's panels ---------------------------------------------------------------------

  function panelCard(panel) {
    const card = el('div', `card panel panel-${panel.kind}`);
    card.dataset.panel = panel.name;
    const title = el('div', 'panel-title', panel.title);
    const note = el('span', 'panel-note');
    title.append(' ', note);
    const body = el('div', 'panel-body');
    card.append(title, body);
    byId('panels').append(card);
    byId('job-section').hidden = false;
    return { card, note, body, chart: null, chartSeries: '' };
  }

  function applyPanel(update, replace) {
    let entry = state.panels.get(update.name);
    if (!entry) {
      entry = { state: null, view: panelCard(update) };
      state.panels.set(update.name, entry);
    }
    if (update.kind === 'line' && !replace) {
      const earlier = entry.state ? entry.state.points : [];
      const points = [...earlier, update.point].slice(-update.history);
      const { point: _point, history: _history, ...rest } = update;
      entry.state = { ...rest, points };
    } else {
      entry.state = update;
    }
    entry.dirty = true;
  }

  function drawPanel(entry) {
    const { state: panel, view } = entry;
    if (panel.kind === 'line') drawLinePanel(panel, view);
    else if (panel.kind === 'bar') drawBarPanel(panel, view);
    else drawTablePanel(panel, view);
  }

  function drawLinePanel(panel, view) {
    const omitted = panel.omittedSeries > 0 ? ` · ${panel.omittedSeries} more series not shown` : '';
    view.note.textContent = `${panel.unit ?? ''}${omitted}`;
    if (panel.points.length === 0) {
      if (!view.body.firstChild) view.body.append(el('p', 'empty', 'No batches yet.'));
      return;
    }
    const key = panel.series.join('\u0000');
    if (!view.chart || view.chartSeries !== key) {
      view.chart?.destroy();
      view.body.replaceChildren();
      view.chart = makeChart(view.body, panel.series, panel.points[0].time);
      view.chartSeries = key;
    }
    const xs = panel.points.map((p) => p.time / 1000);
    const ys = panel.series.map((s) => panel.points.map((p) => p.values[s] ?? null));
    view.chart.setData([xs, ...ys]);
  }

  function drawBarPanel(panel, view) {
    view.note.textContent =
      panel.time === null ? '' : `${panel.unit ? `${panel.unit} · ` : ''}batch ${formatTime(panel.time)}`;
    if (panel.bars.length === 0) {
      view.body.replaceChildren(
        el('p', 'empty', panel.time === null ? 'No batches yet.' : 'The batch was empty.'),
      );
      return;
    }
    const largest = Math.max(...panel.bars.map((b) => Math.abs(b.value))) || 1;
    const rows = panel.bars.flatMap((bar) => {
      const fill = el('div', bar.value < 0 ? 'bar-fill negative' : 'bar-fill');
      fill.style.width = `${(Math.abs(bar.value) / largest) * 100}%`;
      const label = el('div', 'bar-label', bar.label);
      label.title = bar.label;
      return [label, el('div', 'bar-track', [fill]), el('div', 'bar-value', formatNumber(bar.value))];
    });
    view.body.replaceChildren(el('div', 'bars', rows));
  }

  function drawTablePanel(panel, view) {
    const shown = panel.rows.length;
    view.note.textContent =
      panel.time === null
        ? ''
        : `batch ${formatTime(panel.time)} · ${shown} of ${formatNumber(panel.total)} records`;
    if (shown === 0) {
      view.body.replaceChildren(
        el('p', 'empty', panel.time === null ? 'No batches yet.' : 'The batch was empty.'),
      );
      return;
    }
    const head = el(
      'tr',
      null,
      panel.columns.map((c) => el('th', null, c)),
    );
    const body = panel.rows.map((row) =>
      el(
        'tr',
        null,
        row.map((value) =>
          cell(
            value === null ? '–' : typeof value === 'number' ? formatNumber(value) : value,
            typeof value === 'number' ? 'num' : 'wrap',
          ),
        ),
      ),
    );
    const table = el('table', null, [el('thead', null, [head]), el('tbody', null, body)]);
    view.body.replaceChildren(el('div', 'table-card', [table]));
  }

  // ---- engine tables --------------------------------------------------------------------------

  function drawSummary() {
    const s = state.summary;
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

  function drawBatches() {
    const rows = [...state.batches.values()].sort((a, b) => b.batchTime - a.batchTime).slice(0, shownBatches);
    byId('batches-count').textContent =
      state.batches.size > 0 ? `(latest ${rows.length} of ${state.batches.size})` : '';
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

  function drawReceivers() {
    const rows = [...state.receivers.values()].sort((a, b) => a.streamId - b.streamId);
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

  function drawErrors() {
    const list = byId('errors');
    const recent = state.errors.slice(-shownErrors).reverse();
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

  // ---- drawing, at most once a frame --------------------------------------------------------

  const dirty = new Set();
  let frame = 0;

  function redraw(...parts) {
    for (const part of parts) dirty.add(part);
    if (frame === 0) frame = requestAnimationFrame(flush);
  }

  function flush() {
    frame = 0;
    if (dirty.has('summary')) drawSummary();
    if (dirty.has('batches')) {
      drawBatches();
      drawEngineCharts();
    }
    if (dirty.has('receivers')) drawReceivers();
    if (dirty.has('errors')) drawErrors();
    if (dirty.has('panels')) {
      for (const entry of state.panels.values()) {
        if (!entry.dirty) continue;
        entry.dirty = false;
        drawPanel(entry);
      }
    }
    dirty.clear();
  }

  function setStatus(text) {
    const status = byId('status');
    status.className = `pill pill-${text}`;
    status.textContent = text;
  }

  // ---- the event stream -------------------------------------------------------------------

  const events = new EventSource('events');
  const on = (name, handle) => events.addEventListener(name, (message) => handle(JSON.parse(message.data)));

  on('snapshot', ({ statistics, panels }) => {
    state.summary = statistics.summary;
    state.batches = new Map(statistics.batches.map((b) => [b.batchTime, b]));
    state.receivers = new Map(statistics.receivers.map((r) => [r.streamId, r]));
    state.errors = [...statistics.errors];
    for (const panel of panels) applyPanel(panel, true);
    redraw('summary', 'batches', 'receivers', 'errors', 'panels');
  });
  on('batch', ({ batch, summary }) => {
    state.batches.set(batch.batchTime, batch);
    state.summary = summary;
    redraw('summary', 'batches');
  });
  on('receiver', ({ receiver }) => {
    state.receivers.set(receiver.streamId, receiver);
    redraw('receivers');
  });
  on('reportedError', ({ error }) => {
    state.errors.push(error);
    state.errors = state.errors.slice(-shownErrors);
    redraw('errors');
  });
  on('summary', ({ summary }) => {
    state.summary = summary;
    redraw('summary');
  });
  on('panel', (update) => {
    applyPanel(update, false);
    redraw('panels');
  });
  on('closed', ({ summary }) => {
    // The job stopped and the server is closing: do not try to reconnect.
    events.close();
    state.summary = summary;
    redraw('summary');
  });
  events.addEventListener('open', () => {
    if (state.summary) setStatus(state.summary.state);
  });
  events.onerror = () => {
    if (events.readyState !== EventSource.CLOSED) setStatus('disconnected');
  };
})();
