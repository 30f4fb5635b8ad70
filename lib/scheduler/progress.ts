import type { EventOf } from '../types.js';

/** The console line printed per batch when a context has `progress` on. */
export function progressLine(name: string, event: EventOf<'batchCompleted'>): string {
  const time = new Date(event.batchTime).toISOString().slice(11, 23);
  const status = event.error ? ` FAILED: ${event.error.message}` : '';
  return (
    `[${name}] batch ${time} records=${event.records} scheduling=${event.schedulingDelay}ms ` +
    `processing=${event.processingDelay}ms total=${event.totalDelay}ms${status}`
  );
}
