/** Exposition formats, the scrape cursor (stray GETs, persistence, confirmation) and hourly sums vs the ledger. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../src/engine/types.ts";
import { ChargebackExporter } from "../../../src/exporter/chargeback/exporter.ts";
import { negotiate, render } from "../../../src/exporter/chargeback/format.ts";
import { writeBackfill } from "../../../src/exporter/chargeback/backfill.ts";
import { CHARGEBACK_METRIC } from "../../../src/exporter/chargeback/series.ts";
import { startConfluentSim, type ConfluentSim } from "../../../src/sim/confluent/server.ts";
import { Ledger } from "../../../src/store/chargeback/ledger.ts";
import { syncChargeback } from "../../../src/store/chargeback/sync.ts";
import { simSource } from "../../store/chargeback/helpers.ts";

const NOW = Date.parse("2026-07-10T06:00:00Z");
const H = 3_600_000;
let sim: ConfluentSim;
let dir: string;
let ledger: Ledger;
const clock = new ManualClock(NOW);

const PROM_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
const scrape = (ua = "Prometheus/2.42.0") => new Request("http://x/metrics", { headers: { accept: PROM_ACCEPT, "user-agent": ua } });
const browser = () => new Request("http://x/metrics", { headers: { accept: "text/html,*/*", "user-agent": "Mozilla/5.0" } });

beforeAll(async () => {
  sim = startConfluentSim({ scenario: { seed: 9, now: NOW, days: 6, clusters: 2, serviceAccounts: 6 } });
  dir = mkdtempSync(join(tmpdir(), "ot3c-exp-"));
  ledger = Ledger.open(dir);
  await syncChargeback(ledger, simSource(sim), { now: NOW, lookbackDays: 4, cutoffDays: 2, ckuUsageRatio: 0.7 });
});
afterAll(async () => {
  ledger.close();
  rmSync(dir, { recursive: true, force: true });
  await sim.stop();
});

describe("formats", () => {
  test("OpenMetrics: seconds and # EOF; text 0.0.4: milliseconds; negotiation by Accept", () => {
    const fam = [{ name: "m", help: "h", type: "gauge" as const, samples: [{ labels: { a: 'x"y' }, value: "1.500000", timestampMs: 1_700_000_000_000 }] }];
    expect(render(fam, "openmetrics")).toBe('# HELP m h\n# TYPE m gauge\nm{a="x\\"y"} 1.500000 1700000000\n# EOF\n');
    expect(render(fam, "text")).toBe('# HELP m h\n# TYPE m gauge\nm{a="x\\"y"} 1.500000 1700000000000\n');
    expect(negotiate(PROM_ACCEPT)).toBe("openmetrics");
    expect(negotiate("*/*")).toBe("text");
  });
});

describe("scrape cursor", () => {
  test("one hour per scrape from the first day; stray GETs and first contact skip nothing", async () => {
    const exp = new ChargebackExporter({ ledger, clock, cutoffDays: 2, lookbackDays: 4 });
    const first = Date.parse("2026-07-06T00:00:00Z");
    expect((await exp.render(scrape())).hour).toBe(first);
    expect((await exp.render(browser())).hour).toBe(first);
    expect((await exp.render(new Request("http://x/metrics"))).hour).toBe(first);
    expect((await exp.render(scrape())).hour).toBe(first + H);
    // A second scraper's first scrape does not count as proof for the first one's hour.
    expect((await exp.render(scrape("Prometheus/other"))).hour).toBe(first + H);
    expect((await exp.render(scrape("Prometheus/other"))).hour).toBe(first + 2 * H);
    const r = await exp.render(scrape("Prometheus/other"));
    expect(r.hour).toBe(first + 3 * H);
    expect(r.contentType).toContain("application/openmetrics-text");
    expect(r.body.trimEnd().endsWith("# EOF")).toBe(true);
    expect(r.body).toContain(` ${(first + 3 * H) / 1000}\n`);
    // Persisted: a new exporter on the same ledger resumes.
    const again = new ChargebackExporter({ ledger, clock, cutoffDays: 2, lookbackDays: 4 });
    expect((await again.render(browser())).hour).toBe(first + 3 * H);
  });

  test("never beyond the cutoff; stays on the last hour when caught up", async () => {
    const exp = new ChargebackExporter({ ledger, clock, cutoffDays: 2, lookbackDays: 4 });
    let last = 0;
    for (let i = 0; i < 60; i++) last = (await exp.render(scrape("Prometheus/other"))).hour!;
    expect(last).toBe(Date.parse("2026-07-08T00:00:00Z") - H);
  });

  test("with read-back confirmation the cursor waits until the hour landed", async () => {
    ledger.setCursor("metrics", { hour: Date.parse("2026-07-06T00:00:00Z") });
    const exp = new ChargebackExporter({ ledger, clock, cutoffDays: 2, lookbackDays: 4 });
    let landed = false;
    (exp.cursor as any).o.confirm = async () => landed;
    const h0 = (await exp.render(scrape())).hour!;
    expect((await exp.render(scrape())).hour).toBe(h0);
    landed = true;
    expect((await exp.render(scrape())).hour).toBe(h0 + H);
  });
});

describe("hourly series", () => {
  test("a day's hourly chargeback sums to the ledger's pieces of that day, to the micro-unit", () => {
    const exp = new ChargebackExporter({ ledger, clock, cutoffDays: 2, lookbackDays: 4 });
    for (const day of ["2026-07-06", "2026-07-07"]) {
      let micros = 0;
      const start = Date.parse(`${day}T00:00:00Z`);
      for (let h = start; h < start + 24 * H; h += H) {
        const fam = exp.familiesAt(h).find((f) => f.name === CHARGEBACK_METRIC)!;
        for (const s of fam.samples) micros += Math.round(Number(s.value) * 1e6);
      }
      expect(micros).toBe(ledger.totals([], day, day.replace(/\d\d$/, (d) => String(Number(d) + 1).padStart(2, "0")))[0]!.micros);
    }
  });

  test("product_type has one spelling per line type: KAFKA_NUM_CKU and KAFKA_NUM_CKUS are one series", async () => {
    // The simulated bill uses both spellings on the same days.
    const billed = new Set(sim.state.costs.filter((c) => c.start_date.startsWith("2026-07-06")).map((c) => c.line_type));
    expect(billed.has("KAFKA_NUM_CKU") && billed.has("KAFKA_NUM_CKUS")).toBe(true);
    let out = "";
    await writeBackfill(ledger, { fromHour: Date.parse("2026-07-06T00:00:00Z"), toHour: Date.parse("2026-07-07T00:00:00Z") }, (c) => void (out += c));
    const types = new Set([...out.matchAll(/product_type="([^"]+)"/g)].map((m) => m[1]));
    expect(types.has("KAFKA_NUM_CKUS")).toBe(true);
    expect(types.has("KAFKA_NUM_CKU")).toBe(false);
    expect(types.has("KSQL_NUM_CSU")).toBe(false);
    // One series per (principal, product_type, env, cost_type) and hour, even where both spellings were billed.
    const lines = out.split("\n").filter((l) => l.startsWith(`${CHARGEBACK_METRIC}{`));
    const keys = lines.map((l) => l.slice(0, l.lastIndexOf(" ", l.lastIndexOf(" ") - 1)) + l.slice(l.lastIndexOf(" ")));
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("backfill: one block per family, series samples ascending, # EOF", async () => {
    let out = "";
    const res = await writeBackfill(ledger, { fromHour: Date.parse("2026-07-06T00:00:00Z"), toHour: Date.parse("2026-07-08T00:00:00Z") }, (c) => void (out += c));
    expect(res.hours).toBe(48);
    expect(out.endsWith("# EOF\n")).toBe(true);
    const types = out.split("\n").filter((l) => l.startsWith("# TYPE"));
    expect(new Set(types).size).toBe(types.length);
    let prev = new Map<string, number>();
    for (const line of out.split("\n")) {
      if (!line || line.startsWith("#")) continue;
      const i = line.lastIndexOf(" ");
      const ts = Number(line.slice(i + 1));
      const key = line.slice(0, line.lastIndexOf(" ", i - 1));
      expect(ts).toBeGreaterThan(prev.get(key) ?? 0);
      prev.set(key, ts);
    }
  });
});
