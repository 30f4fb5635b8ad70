/*
 * The job's own panels, fed by `board.panel(stream, name, spec)`: a line chart over batch time
 * (uPlot), a top-k bar chart (plain HTML bars, readable labels) and a table.
 */
import { makeChart } from './charts.js';
import { byId, cell, el } from './dom.js';
import { formatNumber, formatTime } from './format.js';

/** The job's panels by name, in the order they first arrived. */
export class JobPanels {
  panels = new Map();

  /** Takes a panel's state (`replace`, from a snapshot) or a batch's update. */
  apply(update, replace) {
    let entry = this.panels.get(update.name);
    if (!entry) {
      entry = { state: null, view: panelCard(update), dirty: false };
      this.panels.set(update.name, entry);
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

  /** Redraws the panels that changed since the last draw. */
  draw() {
    for (const entry of this.panels.values()) {
      if (!entry.dirty) continue;
      entry.dirty = false;
      const { state: panel, view } = entry;
      if (panel.kind === 'line') drawLinePanel(panel, view);
      else if (panel.kind === 'bar') drawBarPanel(panel, view);
      else drawTablePanel(panel, view);
    }
  }
}

/** A new card for `panel` in the Job section; returns the parts a draw fills. */
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

/** A line panel: one uPlot series per series name, made again when the set of series changes. */
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

/** A bar panel: bars scaled to the largest absolute value; negative values in another colour. */
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

/** A table panel: the first rows of the latest batch. */
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
