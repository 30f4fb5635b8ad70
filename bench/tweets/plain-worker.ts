/**
 * The worker thread of the tweets benchmark's two-thread plain loop: loads the profiles' locations
 * once, then for every half batch it is sent (an array of lines) answers with its counts.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { countTweets } from './count.js';
import { loadLocations } from './locations.js';

/** Answers each half batch of lines with their counts, once it has said it is ready. */
function serve(port: NonNullable<typeof parentPort>): void {
  const locations = loadLocations();
  port.on('message', (lines: string[]) => {
    const counts = new Map<string, number>();
    countTweets(lines, 0, lines.length, locations, counts);
    port.postMessage(counts);
  });
  port.postMessage('ready');
}

if (!isMainThread && parentPort) serve(parentPort);
