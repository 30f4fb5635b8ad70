import type { Observable } from 'rxjs';
import type { EventOf, StreamingEvent } from '../types.js';

/** The console line printed per batch when a context has `progress` on. */
export function progressLine(name: string, event: EventOf<'batchCompleted'>): string {
  const time = new Date(event.batchTime).toISOString().slice(11, 23);
  const status = event.error ? ` FAILED: ${event.error.message}` : '';
  return (
    `[${name}] batch ${time} records=${event.records} scheduling=${event.schedulingDelay}ms ` +
    `processing=${event.processingDelay}ms total=${event.totalDelay}ms${status}`
  );
}

/**
 * Prints a progress line per completed batch on `events`, as the `progress` option asks: to the
 * console with `true`, to the function given, or nowhere.
 */
export function printProgress(
  events: Observable<StreamingEvent>,
  name: string,
  progress: boolean | ((line: string) => void) | undefined,
): void {
  if (!progress) return;
  const print = typeof progress === 'function' ? progress : (line: string) => console.log(line);
  events.subscribe((event) => {
    if (event.type === 'batchCompleted') print(progressLine(name, event));
  });
}
