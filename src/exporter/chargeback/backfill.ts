/**
 * Backfill file for `promtool tsdb create-blocks-from openmetrics`: every exposable hour at once, many samples per
 * series. OpenMetrics wants each family in one block and each series' samples together in ascending time, so the
 * hours are gathered per family and series before writing. Seconds timestamps, `# EOF` last.
 */
import { HOUR_MS } from "../../engine/chargeback/types.ts";
import type { Ledger } from "../../store/chargeback/ledger.ts";
import { familyHeader, labelText, timestampText, type MetricFamily } from "./format.ts";
import { HourlySeries } from "./series.ts";

export interface BackfillOptions {
  fromHour: number;
  /** Exclusive. */
  toHour: number;
  ckuUsageRatio?: number;
}

export interface BackfillResult {
  hours: number;
  series: number;
  samples: number;
}

/** Writes the file through `write` (chunks in order); returns counts. */
export async function writeBackfill(ledger: Ledger, o: BackfillOptions, write: (chunk: string) => void | Promise<void>): Promise<BackfillResult> {
  const series = new HourlySeries(ledger, o.ckuUsageRatio ?? 0.7);
  const families = new Map<string, { head: Pick<MetricFamily, "name" | "help" | "type">; series: Map<string, string[]> }>();
  let hours = 0;
  let samples = 0;
  for (let h = o.fromHour; h < o.toHour; h += HOUR_MS) {
    hours++;
    for (const f of series.families(h)) {
      let fam = families.get(f.name);
      if (!fam) families.set(f.name, (fam = { head: { name: f.name, help: f.help, type: f.type }, series: new Map() }));
      for (const s of f.samples) {
        const key = labelText(s.labels);
        let list = fam.series.get(key);
        if (!list) fam.series.set(key, (list = []));
        list.push(`${s.value} ${timestampText(s.timestampMs, "openmetrics")}`);
        samples++;
      }
    }
  }
  let count = 0;
  for (const fam of families.values()) {
    let chunk = familyHeader(fam.head);
    for (const [labels, points] of fam.series) {
      count++;
      for (const p of points) chunk += `${fam.head.name}${labels} ${p}\n`;
      if (chunk.length > 1 << 20) {
        await write(chunk);
        chunk = "";
      }
    }
    await write(chunk);
  }
  await write("# EOF\n");
  return { hours, series: count, samples };
}

export async function writeBackfillFile(ledger: Ledger, path: string, o: BackfillOptions): Promise<BackfillResult> {
  const sink = Bun.file(path).writer();
  const res = await writeBackfill(ledger, o, (c) => void sink.write(c));
  await sink.end();
  return res;
}
