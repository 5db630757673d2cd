import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * Reading another process's CPU time and memory. process.cpuUsage() only
 * sees the calling process, and the server under test is a different one, so
 * the figures come from Linux's /proc, which covers every thread of the
 * process (the garbage collector's helpers included).
 */

let ticksPerSecond: number | null = null;

/** The kernel's clock ticks per second (USER_HZ), which /proc/<pid>/stat counts in. */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User plus system CPU time the process has used so far, in milliseconds (10 ms resolution on most kernels). */
export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the whole line (utime, stime) are 11 and 12 after the name.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicksPerSecond();
}

function statusField(pid: number, name: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * How long the process's main thread has waited, runnable, for a CPU: time
 * the scheduler gave to something else. On a pinned core this should stay
 * near zero; if it grows, the figures measure contention, not the server.
 */
export function processRunQueueWaitMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
    return Number(fields[1]) / 1e6;
  } catch {
    return NaN;
  }
}

/**
 * CPU time every core of the machine has spent busy so far, and the time the
 * hypervisor took away (steal), in milliseconds. Busy time minus what the
 * server and the load generator used is what everything else on the
 * machine took while a window ran.
 */
export function machineCpuMs(): { busyMs: number; stealMs: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const toMs = (ticks: number) => (ticks * 1000) / clockTicksPerSecond();
  return { busyMs: toMs(user! + nice! + system! + irq! + softirq!), stealMs: toMs(steal ?? 0) };
}

/**
 * The scheduler state of the process's main thread: R running (or waiting
 * for a CPU), S sleeping (idle in epoll, say), D in uninterruptible sleep
 * (waiting on the disk: an fsync), among others.
 */
export function processState(pid: number): string {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return '?';
  }
}

/** Resident memory now, in MiB. */
export function processRssMb(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** The highest resident memory the process has reached since it started, in MiB. */
export function processPeakRssMb(pid: number): number {
  return statusField(pid, 'VmHWM');
}

/** Whether `taskset` can pin processes here (Linux with util-linux). */
export function canPin(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pins every thread of a process to one CPU. Threads started later inherit
 * the main thread's affinity, so pinning once after spawn is enough.
 */
export function pinToCpu(pid: number, cpu: number): boolean {
  try {
    execFileSync('taskset', ['-a', '-c', '-p', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
