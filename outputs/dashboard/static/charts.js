/*
 * Time series with uPlot (loaded before the modules, as the global `uPlot`): one chart per
 * container, x = batch time in seconds, resized with its container.
 */
/* global uPlot, ResizeObserver */
import { formatTime, isEpoch, numberFormat } from './format.js';

const palette = ['#e8590c', '#1c7ed6', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#e03131', '#5c940d'];

/** A uPlot chart in `container` for `labels` (the x series is batch time in seconds). */
export function makeChart(container, labels, firstTime) {
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
        // One line per tick: the wall-clock time (epoch) or seconds since start (manual clock).
        space: 64,
        values: (_, ticks) => ticks.map((t) => formatTime(t * 1000)),
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
