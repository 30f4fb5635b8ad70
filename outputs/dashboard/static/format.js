/*
 * How the page writes times, durations and numbers. Batch times are epoch ms with a system clock
 * and small numbers (ms since start) with a manual clock; both read naturally.
 */
/** Numbers with thousands separators and at most two decimals. */
export const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Batch times are epoch ms with a system clock and small numbers with a manual clock. */
export const isEpoch = (ms) => ms > 1e11;

/** A batch time: the wall-clock time for epoch times, seconds since start otherwise. */
export function formatTime(ms) {
  if (ms === null || ms === undefined) return '–';
  if (isEpoch(ms)) return new Date(ms).toLocaleTimeString('en-GB');
  return `${numberFormat.format(ms / 1000)} s`;
}

/** A delay or interval: `35 ms`, `1.5 s`, `2 min 5 s`. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${numberFormat.format(ms / 1000)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A count or rate; `–` when unknown. */
export function formatNumber(value) {
  return value === null || value === undefined ? '–' : numberFormat.format(value);
}
