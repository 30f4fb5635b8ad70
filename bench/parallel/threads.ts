/**
 * CPU time per OS thread of this process, from Linux's `/proc/self/task/<tid>/stat`: for the
 * parallel benchmark's busiest-thread figure. On a machine whose cores are shared with other work,
 * wall-clock time says little about what a pool would do on free cores; the CPU time of the
 * busiest thread (the main thread or a worker) bounds the run's length on free cores, and is not
 * stretched by waiting for a core.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** `/proc` counts CPU time in ticks of 1/100 s (USER_HZ) on Linux. */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) of each thread of this process, by thread id; undefined off Linux. */
export function threadCpuSeconds(): Map<number, number> | undefined {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  const seconds = new Map<number, number>();
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended while we read
    }
    // Fields after the command name (which may hold spaces) start at field 3 (state);
    // utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (Number.isFinite(ticks)) seconds.set(Number(tid), ticks / TICKS_PER_SECOND);
  }
  return seconds;
}

/** The most CPU seconds any one thread used between two readings of {@link threadCpuSeconds}. */
export function busiestThread(before: Map<number, number>, after: Map<number, number>): number {
  let most = 0;
  for (const [tid, seconds] of after) most = Math.max(most, seconds - (before.get(tid) ?? 0));
  return most;
}
