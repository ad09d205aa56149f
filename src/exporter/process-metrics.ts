/**
 * Standard `process_*` metrics, written here instead of prom-client's collectDefaultMetrics: its defaults include
 * `nodejs_active_*_total` gauges that `promtool check metrics` rejects (non-counters must not end in `_total`), and
 * on Bun several of them are meaningless (no GC perf entries).
 */
import client from "prom-client";
import { readdirSync } from "node:fs";

const startTimeSeconds = Math.round(Date.now() / 1000 - process.uptime());

function openFds(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}

export function registerProcessMetrics(registry: client.Registry): void {
  const registers = [registry];
  new client.Counter({
    name: "process_cpu_seconds_total",
    help: "Total user and system CPU time spent in seconds.",
    registers,
    collect() {
      const u = process.cpuUsage();
      this.reset();
      this.inc((u.user + u.system) / 1e6);
    },
  });
  new client.Gauge({
    name: "process_resident_memory_bytes",
    help: "Resident memory size in bytes.",
    registers,
    collect() {
      this.set(process.memoryUsage().rss);
    },
  });
  new client.Gauge({
    name: "process_heap_bytes",
    help: "JavaScript heap size in bytes.",
    registers,
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new client.Gauge({
    name: "process_start_time_seconds",
    help: "Start time of the process since unix epoch in seconds.",
    registers,
  }).set(startTimeSeconds);
  new client.Gauge({
    name: "process_open_fds",
    help: "Number of open file descriptors.",
    registers,
    collect() {
      const n = openFds();
      if (n !== undefined) this.set(n);
    },
  });
}
