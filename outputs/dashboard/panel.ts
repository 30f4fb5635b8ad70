/**
 * One panel of a job: checks its spec, turns each batch into what the browser draws, and keeps
 * what a browser that joins late needs (a line panel's recent points, the others' latest batch).
 * Pure apart from its own state; no I/O.
 */
import { ConfigurationError, KindlingError } from '../../lib/index.js';
import type {
  Bar,
  BarPanelSpec,
  Cell,
  LinePanelSpec,
  LinePoint,
  PanelSpec,
  PanelState,
  PanelUpdate,
  TablePanelSpec,
} from './panel-spec.js';

const kinds = ['line', 'bar', 'table'];

/**
 * A named panel and its state.
 *
 * @example
 * const panel = new Panel('rate', { kind: 'line' });
 * panel.update([42], 5000); // { kind: 'line', point: { time: 5000, values: { rate: 42 } }, ... }
 */
export class Panel<T> {
  private readonly title: string;
  private readonly points: LinePoint[] = [];
  private readonly series: string[] = [];
  private readonly omittedSeries = new Set<string>();
  private latest: PanelState;

  /** @throws ConfigurationError when the name or the spec is wrong. */
  constructor(
    readonly name: string,
    private readonly spec: PanelSpec<T>,
  ) {
    checkSpec(name, spec);
    this.title = spec.title ?? name;
    this.latest = this.emptyState();
  }

  /** The panel's kind. */
  get kind(): PanelSpec<T>['kind'] {
    return this.spec.kind;
  }

  /**
   * Folds the batch of `time` into the panel; returns what to send to browsers.
   * @throws KindlingError naming the panel and the batch when a value is not a finite number.
   */
  update(records: readonly T[], time: number): PanelUpdate {
    switch (this.spec.kind) {
      case 'line':
        return this.line(this.spec, records, time);
      case 'bar': {
        const bars = topBars(this.name, this.spec, records, time);
        const unit = this.spec.unit ?? null;
        const state = { kind: 'bar', name: this.name, title: this.title, unit, time, bars } as const;
        this.latest = state;
        return state;
      }
      case 'table': {
        const state = tableOf(this.name, this.title, this.spec, records, time);
        this.latest = state;
        return state;
      }
    }
  }

  /** What the panel shows now. */
  state(): PanelState {
    if (this.spec.kind !== 'line') return this.latest;
    return {
      kind: 'line',
      name: this.name,
      title: this.title,
      unit: this.spec.unit ?? null,
      series: [...this.series],
      omittedSeries: this.omittedSeries.size,
      points: [...this.points],
    };
  }

  private line(spec: LinePanelSpec<T>, records: readonly T[], time: number): PanelUpdate {
    const raw = spec.value ? spec.value(records, time) : defaultLineValue(this.name, records, time);
    const named = raw === null || typeof raw === 'number' ? { [this.name]: raw } : raw;
    const values: Record<string, number | null> = {};
    const limit = spec.maxSeries ?? 12;
    for (const [series, value] of Object.entries(named)) {
      if (value !== null && (typeof value !== 'number' || !Number.isFinite(value))) {
        throw new KindlingError(
          `dashboard panel '${this.name}': series '${series}' of the batch of time ${time} is ` +
            `${describeValue(value)}; a line panel's value must be a finite number, or null for a gap`,
        );
      }
      if (!this.series.includes(series)) {
        if (this.series.length >= limit) {
          this.omittedSeries.add(series);
          continue;
        }
        this.series.push(series);
      }
      values[series] = value;
    }
    const point = { time, values };
    const history = spec.history ?? 120;
    this.points.push(point);
    if (this.points.length > history) this.points.splice(0, this.points.length - history);
    return {
      kind: 'line',
      name: this.name,
      title: this.title,
      unit: spec.unit ?? null,
      series: [...this.series],
      omittedSeries: this.omittedSeries.size,
      point,
      history,
    };
  }

  private emptyState(): PanelState {
    switch (this.spec.kind) {
      case 'line':
        return this.state();
      case 'bar':
        return {
          kind: 'bar',
          name: this.name,
          title: this.title,
          unit: this.spec.unit ?? null,
          time: null,
          bars: [],
        };
      case 'table': {
        const columns = Array.isArray(this.spec.columns)
          ? [...(this.spec.columns as readonly string[])]
          : Object.keys(this.spec.columns ?? {});
        return { kind: 'table', name: this.name, title: this.title, time: null, columns, rows: [], total: 0 };
      }
    }
  }
}

/** Numbers sum to one series; `[key, number]` pairs sum by key. */
function defaultLineValue(name: string, records: readonly unknown[], time: number): Record<string, number> {
  const values: Record<string, number> = {};
  if (records.length === 0) return values;
  if (records.every((r) => typeof r === 'number')) {
    values[name] = (records as number[]).reduce((a, b) => a + b, 0);
    return values;
  }
  for (const record of records) {
    const [key, value] = pairOf(name, record, time, 'a value function');
    values[key] = (values[key] ?? 0) + value;
  }
  return values;
}

function topBars<T>(name: string, spec: BarPanelSpec<T>, records: readonly T[], time: number): Bar[] {
  const bars = records.map((record): Bar => {
    if (!spec.label && !spec.value) {
      const [label, value] = pairOf(name, record, time, 'label and value functions');
      return { label, value };
    }
    const label = spec.label ? spec.label(record) : String((record as unknown[])[0]);
    const value = spec.value ? spec.value(record) : (record as unknown[])[1];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new KindlingError(
        `dashboard panel '${name}': the value of '${label}' in the batch of time ${time} is ` +
          `${describeValue(value)}; a bar panel's values must be finite numbers`,
      );
    }
    return { label: String(label), value };
  });
  // Largest first; equal values by label, so the order does not depend on the batch's order.
  bars.sort((a, b) => b.value - a.value || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return bars.slice(0, spec.top ?? 10);
}

function tableOf<T>(
  name: string,
  title: string,
  spec: TablePanelSpec<T>,
  records: readonly T[],
  time: number,
): Extract<PanelState, { kind: 'table' }> {
  const shown = records.slice(0, spec.rows ?? 20);
  const readers = columnReaders(spec, shown);
  const columns = readers.map(([column]) => column);
  const rows = shown.map((record) => readers.map(([, read]) => toCell(read(record))));
  return { kind: 'table', name, title, time, columns, rows, total: records.length };
}

type Reader<T> = readonly [string, (record: T) => unknown];

function columnReaders<T>(spec: TablePanelSpec<T>, records: readonly T[]): Reader<T>[] {
  const property = (column: string): Reader<T> => [
    column,
    (record) =>
      record !== null && typeof record === 'object' ? (record as Record<string, unknown>)[column] : undefined,
  ];
  if (Array.isArray(spec.columns)) return (spec.columns as readonly string[]).map(property);
  if (spec.columns) return Object.entries(spec.columns as Readonly<Record<string, (record: T) => unknown>>);
  const first = records[0];
  if (Array.isArray(first)) return first.map((_, n): Reader<T> => [String(n), (r) => (r as unknown[])[n]]);
  if (first !== null && typeof first === 'object') return Object.keys(first).map(property);
  return [['value', (record) => record]];
}

/** A value as a table cell: primitives as they are, anything else as short JSON. */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return value.toISOString();
  let text: string;
  try {
    text =
      JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    text = String(value); // a cycle: show what String() gives rather than fail the batch
  }
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function pairOf(name: string, record: unknown, time: number, fix: string): [string, number] {
  if (
    Array.isArray(record) &&
    record.length === 2 &&
    ['string', 'number', 'bigint', 'boolean'].includes(typeof record[0]) &&
    typeof record[1] === 'number' &&
    Number.isFinite(record[1])
  ) {
    return [String(record[0]), record[1]];
  }
  throw new KindlingError(
    `dashboard panel '${name}': a record of the batch of time ${time} is not a number or a ` +
      `[key, finite number] pair: ${String(toCell(record))}; give the panel ${fix} to read your records`,
  );
}

function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined';
  return `${typeof value} ${String(toCell(value))}`;
}

function checkSpec(name: string, spec: PanelSpec<never>): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConfigurationError(
      `dashboard panel: the panel name must be a non-empty string, got ${JSON.stringify(name)}`,
    );
  }
  const where = `dashboard panel '${name}'`;
  if (spec === null || typeof spec !== 'object' || !kinds.includes(spec.kind)) {
    throw new ConfigurationError(
      `${where}: spec.kind must be one of ${kinds.map((k) => `'${k}'`).join(', ')}, got ` +
        `${JSON.stringify((spec as { kind?: unknown } | null)?.kind)}; for example { kind: 'line' }`,
    );
  }
  const counts: [string, unknown][] =
    spec.kind === 'line'
      ? [
          ['history', spec.history],
          ['maxSeries', spec.maxSeries],
        ]
      : spec.kind === 'bar'
        ? [['top', spec.top]]
        : [['rows', spec.rows]];
  for (const [option, value] of counts) {
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value > 0)) {
      throw new ConfigurationError(
        `${where}: ${option} must be a positive whole number, got ${String(value)}`,
      );
    }
  }
  for (const fn of ['value', 'label'] as const) {
    const given = (spec as Partial<Record<typeof fn, unknown>>)[fn];
    if (given !== undefined && typeof given !== 'function') {
      throw new ConfigurationError(`${where}: ${fn} must be a function, got ${typeof given}`);
    }
  }
  if (spec.kind === 'table' && spec.columns !== undefined) {
    const columns = spec.columns;
    const ok = Array.isArray(columns)
      ? columns.every((c) => typeof c === 'string')
      : typeof columns === 'object' && Object.values(columns).every((f) => typeof f === 'function');
    if (!ok) {
      throw new ConfigurationError(
        `${where}: columns must be a list of property names or an object of functions, ` +
          `e.g. ['user', 'text'] or { user: (t) => t.user.name }`,
      );
    }
  }
}
