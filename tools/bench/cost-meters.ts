/**
 * What a unit of work costs, read from outside the process doing it: a child process's CPU time from
 * /proc/<pid>/stat (user + system, in clock ticks) and Redis's own CPU time and memory from `INFO`.
 * CPU per unit of work is far steadier on a shared, noisy machine than wall-clock throughput.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { RedisConnection } from '@recsys/feature-store';

/** One server: the one Redis, or one primary of a cluster. */
type RedisServer = ReturnType<RedisConnection['primaries']>[number];

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  ticksPerSecond ??=
    Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return ticksPerSecond;
}

/** CPU time (user + system) the process `pid` has used so far, in µs; its threads included. */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks / clockTicksPerSecond()) * 1e6;
}

/** One Redis server's `INFO` section as name → value. */
async function infoSection(server: RedisServer, section: string): Promise<Map<string, string>> {
  const text = await server.info(section);
  return new Map(
    text
      .split('\r\n')
      .filter((line) => line.includes(':'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}

/** Each primary's CPU time so far (used_cpu_user + used_cpu_sys), in µs: one Redis, or every primary. */
export async function redisCpuMicrosPerPrimary(redis: RedisConnection): Promise<number[]> {
  return Promise.all(
    redis.primaries().map(async (server) => {
      const cpu = await infoSection(server, 'cpu');
      return (Number(cpu.get('used_cpu_user')) + Number(cpu.get('used_cpu_sys'))) * 1e6;
    }),
  );
}

/** Redis's CPU time so far, summed over the primaries of a cluster, in µs. */
export async function redisCpuMicros(redis: RedisConnection): Promise<number> {
  return (await redisCpuMicrosPerPrimary(redis)).reduce((sum, micros) => sum + micros, 0);
}

/** Bytes Redis holds for data and overhead (`used_memory`), summed over the primaries of a cluster. */
export async function redisUsedMemory(redis: RedisConnection): Promise<number> {
  const used = await Promise.all(
    redis
      .primaries()
      .map(async (server) => Number((await infoSection(server, 'memory')).get('used_memory'))),
  );
  return used.reduce((sum, bytes) => sum + bytes, 0);
}

/** A reading of the meters at one moment. */
export interface CostReading {
  atMs: number;
  /** Work done so far (events applied, messages read). */
  units: number;
  processCpuMicros: number;
  redisCpuMicros: number;
}

/** Per unit of work between two readings. */
export function costBetween(
  first: CostReading,
  last: CostReading,
): { units: number; seconds: number; perSecond: number; processCpu: number; redisCpu: number } {
  const units = last.units - first.units;
  const seconds = (last.atMs - first.atMs) / 1_000;
  return {
    units,
    seconds,
    perSecond: units / seconds,
    processCpu: (last.processCpuMicros - first.processCpuMicros) / units,
    redisCpu: (last.redisCpuMicros - first.redisCpuMicros) / units,
  };
}

/** Each command's calls and CPU so far (`INFO commandstats`), summed over the primaries. */
export async function redisCommandStats(
  redis: RedisConnection,
): Promise<Map<string, { calls: number; micros: number }>> {
  const totals = new Map<string, { calls: number; micros: number }>();
  for (const server of redis.primaries()) {
    for (const [name, value] of await infoSection(server, 'commandstats')) {
      const calls = Number(/calls=(\d+)/.exec(value)?.[1] ?? 0);
      const micros = Number(/usec=(\d+)/.exec(value)?.[1] ?? 0);
      const total = totals.get(name.replace(/^cmdstat_/, '')) ?? { calls: 0, micros: 0 };
      totals.set(name.replace(/^cmdstat_/, ''), {
        calls: total.calls + calls,
        micros: total.micros + micros,
      });
    }
  }
  return totals;
}

/**
 * The commands that cost most between two readings, per unit of work: `name calls/unit µs/unit`. Commands
 * a script runs are counted both on their own and inside the script's (evalsha's) figure.
 */
export function topCommandsBetween(
  before: Map<string, { calls: number; micros: number }>,
  after: Map<string, { calls: number; micros: number }>,
  units: number,
): string {
  const count = 8;
  const rows = [...after].map(([name, stats]) => ({
    name,
    calls: (stats.calls - (before.get(name)?.calls ?? 0)) / units,
    micros: (stats.micros - (before.get(name)?.micros ?? 0)) / units,
  }));
  return rows
    .sort((a, b) => b.micros - a.micros)
    .slice(0, count)
    .map((row) => `${row.name} ${row.calls.toFixed(2)}×/${row.micros.toFixed(1)} µs`)
    .join(', ');
}
