/**
 * Heap figures of the JavaScript systems: the most heap in use during a run (sampled after every
 * batch and every 10 ms the event loop is free, garbage included), and what is left once garbage
 * is collected. Collections are forced through V8's `gc`, exposed at run time.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Collects garbage (a full collection) and returns the heap still in use, bytes. */
export function collectGarbage(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

/** Tracks the most heap in use from its creation until `stop()`. */
export class HeapPeak {
  private peak = process.memoryUsage().heapUsed;
  private readonly timer = setInterval(() => this.sample(), 10);

  /** Notes the heap in use now. */
  sample(): void {
    const used = process.memoryUsage().heapUsed;
    if (used > this.peak) this.peak = used;
  }

  /** Stops sampling and returns the most heap seen in use, bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}
