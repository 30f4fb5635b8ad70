/**
 * The live web dashboard: `dashboard(ssc)` serves Spark's Streaming tab for a context (input
 * rate, delays, receivers, recent batches, errors) and the job's own panels, each fed by a
 * stream: `dashboard(ssc).panel(stream, name, spec)`.
 */
export { Dashboard, dashboard } from './server.js';
export type { DashboardOptions } from './server.js';
export type {
  BarPanelSpec,
  Cell,
  LinePanelSpec,
  PanelKind,
  PanelSpec,
  TablePanelSpec,
} from './panel-spec.js';
export { StreamingStatistics } from './statistics.js';
export type { StreamingStatisticsOptions } from './statistics.js';
export type {
  BatchRow,
  BatchStatus,
  ErrorRow,
  ReceiverRow,
  StatisticsChange,
  StatisticsSnapshot,
  StatisticsSummary,
} from './statistics-rows.js';
