// TEMPORARY PROBE (not for commit)
import { readFileSync } from "node:fs";
export function probe(stage: string, counts = false): void {
  if (!process.env.OT3C_MEMPROBE) return;
  if (process.env.EXP_GC_PROBE) { Bun.gc(true); (Bun as any).shrink?.(); }
  const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) / 1024;
  const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1]) / 1024;
  const jsc = require("bun:jsc");
  const h = jsc.heapStats();
  let line = `[probe] ${stage}: rss ${rss.toFixed(0)} hwm ${hwm.toFixed(0)} heap ${(h.heapSize / 1048576).toFixed(0)} cap ${(h.heapCapacity / 1048576).toFixed(0)} extra ${(h.extraMemorySize/1048576).toFixed(0)} objects ${h.objectCount}`;
  if (counts) {
    const top = Object.entries(h.objectTypeCounts as Record<string, number>).sort((a, b) => b[1] - a[1]).slice(0, 12);
    line += "\n   " + top.map(([k, v]) => `${k}:${v}`).join(" ");
  }
  console.error(line);
}
