/**
 * What a job's panel shows: a line chart over batch time, a top-k bar chart, or a table. Specs
 * are plain objects; `panel.ts` turns a batch into what the browser draws.
 */

/** A table cell as the browser shows it. */
export type Cell = string | number | boolean | null;

/**
 * A line chart over batch time: one point per batch for each series.
 *
 * Without `value`, a batch of numbers is one series (their sum, named after the panel), and a
 * batch of `[key, number]` pairs is one series per key (summed by key): what `count()`,
 * `countByWindow` and `reduceByKeyAndWindow` give.
 */
export interface LinePanelSpec<T> {
  /** A line chart. */
  readonly kind: 'line';
  /** The panel's heading; default its name. */
  readonly title?: string;
  /** The unit for the y axis, e.g. `tweets/s`. */
  readonly unit?: string;
  /**
   * The batch's value: a number (one series named after the panel), or named series, e.g.
   * `{ positive: 3, negative: 1 }`. `null` leaves a gap; other values must be finite numbers.
   */
  readonly value?: (
    records: readonly T[],
    time: number,
  ) => number | null | Readonly<Record<string, number | null>>;
  /** How many points to keep and show; default 120. */
  readonly history?: number;
  /** At most this many series; series first seen after that are left out (and the panel says so). Default 12. */
  readonly maxSeries?: number;
}

/**
 * A top-k bar chart of the latest batch: the `top` largest values with their labels.
 *
 * Without `label` and `value`, records are `[key, number]` pairs (what `reduceByKey` gives).
 */
export interface BarPanelSpec<T> {
  /** A top-k bar chart. */
  readonly kind: 'bar';
  /** The panel's heading; default its name. */
  readonly title?: string;
  /** The unit of the bars' values, e.g. `tweets`. */
  readonly unit?: string;
  /** How many bars; default 10. */
  readonly top?: number;
  /** A record's bar label; default the key of a `[key, number]` pair. */
  readonly label?: (record: T) => string;
  /** A record's bar length, a finite number; default the number of a `[key, number]` pair. */
  readonly value?: (record: T) => number;
}

/**
 * A table of the latest batch's records (the first `rows`).
 *
 * `columns` names the columns and says how to read each from a record; as a list of names it
 * reads those properties of object records. Without it: the properties of object records, the
 * positions of array records (`0`, `1`, ...), or one `value` column for anything else.
 */
export interface TablePanelSpec<T> {
  /** A table. */
  readonly kind: 'table';
  /** The panel's heading; default its name. */
  readonly title?: string;
  /** The columns: names of properties of object records, or each column's name and how to read it. */
  readonly columns?: readonly string[] | Readonly<Record<string, (record: T) => unknown>>;
  /** How many rows; default 20. */
  readonly rows?: number;
}

/** A panel of the job's own, fed by a stream through `board.panel(stream, name, spec)`. */
export type PanelSpec<T> = LinePanelSpec<T> | BarPanelSpec<T> | TablePanelSpec<T>;

/** The kinds of panel. */
export type PanelKind = PanelSpec<unknown>['kind'];

/** One point of a line panel: the batch time and each series' value. */
export interface LinePoint {
  readonly time: number;
  readonly values: Readonly<Record<string, number | null>>;
}

/** One bar of a bar panel. */
export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** What a panel shows now, as sent to browsers (a line panel sends its points; the others their latest batch). */
export type PanelState =
  | {
      readonly kind: 'line';
      readonly name: string;
      readonly title: string;
      readonly unit: string | null;
      readonly series: readonly string[];
      /** Series left out because of `maxSeries`. */
      readonly omittedSeries: number;
      readonly points: readonly LinePoint[];
    }
  | {
      readonly kind: 'bar';
      readonly name: string;
      readonly title: string;
      readonly unit: string | null;
      readonly time: number | null;
      readonly bars: readonly Bar[];
    }
  | {
      readonly kind: 'table';
      readonly name: string;
      readonly title: string;
      readonly time: number | null;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly Cell[])[];
      /** Records in the batch (the table shows at most `rows` of them). */
      readonly total: number;
    };

/** What one batch changed in a panel: a line panel's new point, or another panel's whole state. */
export type PanelUpdate =
  | {
      readonly kind: 'line';
      readonly name: string;
      readonly title: string;
      readonly unit: string | null;
      readonly series: readonly string[];
      readonly omittedSeries: number;
      readonly point: LinePoint;
      readonly history: number;
    }
  | Extract<PanelState, { kind: 'bar' | 'table' }>;
