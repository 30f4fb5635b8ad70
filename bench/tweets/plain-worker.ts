/**
 * The worker thread of the tweets benchmark's two-thread plain loop: loads the profiles' locations
 * once, then for every half batch it is sent (an array of lines) answers with its counts.
 */
import { parentPort } from 'node:worker_threads';
import { countTweets } from './count.js';
import { loadLocations } from './locations.js';

const locations = loadLocations();
const port = parentPort;
if (!port) throw new Error('plain-worker.ts runs as a worker thread (see plainRun2 in benchmark.ts)');
port.on('message', (lines: string[]) => {
  const counts = new Map<string, number>();
  countTweets(lines, 0, lines.length, locations, counts);
  port.postMessage(counts);
});
port.postMessage('ready');
