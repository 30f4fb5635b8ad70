/**
 * `toDashboard`: the output operation that feeds a DStream into a named panel of its context's
 * dashboard. Importing this module (as `kindling/outputs` does) also installs it as the method
 * `stream.toDashboard(name, spec)`, declared on `DStream` by module augmentation, so `lib/`
 * never imports `outputs/`.
 */
import { ConfigurationError, DStream } from '../../lib/index.js';
import { boardOf } from './board.js';
import { Panel } from './panel.js';
import type { PanelSpec } from './panel-spec.js';

/**
 * Feeds every batch of `stream` into the panel `name` of the context's dashboard (see
 * {@link dashboard}). An output operation: declare it before `ssc.start()`. Panels appear in the
 * order they are declared. The default spec is a line chart (`{ kind: 'line' }`).
 *
 * @throws ConfigurationError at once for a bad spec or a duplicate name; the first batch fails
 *   with one when the context has no dashboard.
 * @example
 * toDashboard(tweets.countByWindow(seconds(30), seconds(5)), 'tweets per window');
 * toDashboard(hashtagCounts, 'top hashtags', { kind: 'bar', top: 10 });
 * toDashboard(latest, 'latest tweets', { kind: 'table', columns: ['user', 'text', 'score'] });
 *
 * Gotcha: a line panel's values must be finite numbers (or null for a gap); a NaN (say, an
 * average of no records) fails the batch with a message naming the panel and the series.
 */
export function toDashboard<T>(
  stream: DStream<T>,
  name: string,
  spec: PanelSpec<T> = { kind: 'line' },
): void {
  const board = boardOf(stream.context);
  const panel = new Panel<T>(name, spec);
  board.assertFree(name);
  stream.foreachBatch((records, time) => {
    if (!board.hasDashboard) {
      throw new ConfigurationError(
        `toDashboard('${name}'): this context has no dashboard to show the panel; ` +
          `call dashboard(ssc) before ssc.start()`,
      );
    }
    board.publish(panel.update(records, time));
  });
  board.add(panel as Panel<unknown>);
}

declare module '../../lib/index.js' {
  interface DStream<T> {
    /**
     * Feeds every batch of this stream into the panel `name` of the context's dashboard: a line
     * chart over batch time (default), a top-k bar chart, or a table. Installed by importing
     * `kindling/outputs`; an output operation, so declare it before `ssc.start()`.
     *
     * @example
     * import { dashboard } from 'kindling/outputs';
     * dashboard(ssc, { port: 4040 });
     * tweets.count().toDashboard('tweets per batch');
     * hashtags.reduceByKey((a, b) => a + b).toDashboard('top hashtags', { kind: 'bar', top: 10 });
     */
    toDashboard(name: string, spec?: PanelSpec<T>): void;
  }
}

if (!Object.prototype.hasOwnProperty.call(DStream.prototype, 'toDashboard')) {
  Object.defineProperty(DStream.prototype, 'toDashboard', {
    value: function toDashboardMethod<T>(this: DStream<T>, name: string, spec?: PanelSpec<T>): void {
      toDashboard(this, name, spec);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
