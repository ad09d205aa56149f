import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { COST_CSV_COLUMNS, costCsvLine, csvField } from "../../src/cli/render/csv.ts";
import { costRange } from "../../src/providers/sources.ts";
import { cleanupTempDirs, globals, run, smallScenario, startSimFixture, tempDir, type SimFixture } from "./helpers.ts";

const HEADER = "date,resource_id,product,amount,consumption_type,project_id,project_name,region";
const ODD_PRODUCT = 'OTC_ODD "quoted", with comma\nand newline';

/** A minimal RFC 4180 reader, to check what we write can be read back field for field. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(field), (field = "");
    else if (ch === "\n") row.push(field), rows.push(row), (row = []), (field = "");
    else field += ch;
  }
  if (field !== "" || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

let f: SimFixture;
beforeAll(() => {
  const scenario = smallScenario(23);
  // One record with a product name that needs every kind of CSV quoting, served by the simulated dashboard.
  scenario.world.costs[scenario.world.costs.length - 1]!.product = ODD_PRODUCT;
  f = startSimFixture(scenario);
});
afterAll(async () => {
  await f.stop();
  cleanupTempDirs();
});

function expectedRecords() {
  const range = costRange(Date.now(), { billingBeginDay: 1 });
  return { range, records: f.scenario.world.costs.filter((c) => c.date >= range.from && c.date < range.toExclusive) };
}

describe("ot3c dump-data", () => {
  test("default file output.csv in the working directory: header, one row per record of the range", async () => {
    const cwd = tempDir();
    const r = await run([...globals(f), "dump-data"], { cwd });
    expect(r.code).toBe(0);
    expect(r.out).toBe("");
    const { range, records } = expectedRecords();
    expect(r.err).toContain(`reading Financial Dashboard costs ${range.from} … `);
    expect(r.err).toContain(`wrote ${records.length} cost records to ${join(cwd, "output.csv")}`);
    const text = readFileSync(join(cwd, "output.csv"), "utf8");
    expect(text.split("\n")[0]).toBe(HEADER);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...COST_CSV_COLUMNS]);
    expect(rows.length - 1).toBe(records.length);
    expect(rows.slice(1).every((row) => row.length === 8)).toBe(true);
    // Same multiset of (date, resource, product, amount) as the simulator holds.
    const key = (d: string, id: string, p: string, a: number) => `${d}|${id}|${p}|${a}`;
    const want = records.map((c) => key(c.date, c.resourceId, c.product, c.amount)).sort();
    const got = rows.slice(1).map((row) => key(row[0]!, row[1]!, row[2]!, Number(row[3]))).sort();
    expect(got).toEqual(want);
    // Sorted by date.
    const dates = rows.slice(1).map((row) => row[0]!);
    expect(dates).toEqual(dates.slice().sort());
    expect(rows.slice(1).every((row) => row[5] === f.scenario.world.projectId && (row[4] === "EL" || row[4] === "RC"))).toBe(true);
    expect(readdirSync(cwd)).toEqual(["output.csv"]);
  });

  test("-o - writes to stdout; odd product names survive quoting", async () => {
    const r = await run([...globals(f), "dump-data", "--out", "-"]);
    expect(r.code).toBe(0);
    expect(r.out.startsWith(HEADER + "\n")).toBe(true);
    expect(r.out).toContain(`"OTC_ODD ""quoted"", with comma\nand newline"`);
    const rows = parseCsv(r.out);
    expect(rows.length - 1).toBe(expectedRecords().records.length);
    expect(rows.filter((row) => row[2] === ODD_PRODUCT)).toHaveLength(1);
  });

  test("--out FILE; a dashboard failure exits 1 and leaves no file", async () => {
    const dir = tempDir();
    const ok = await run([...globals(f), "dump-data", "--out", join(dir, "costs.csv")]);
    expect(ok.code).toBe(0);
    expect(readFileSync(join(dir, "costs.csv"), "utf8").startsWith(HEADER)).toBe(true);

    const token = f.scenario.world.credentials.dashboardToken;
    const bad = f.variant((y) => y.replace(JSON.stringify(token), '"wrong-dashboard-token-000"'));
    const r = await run([...globals(f, bad), "dump-data", "--out", join(dir, "bad.csv")]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/reading costs failed: .*401/);
    expect(readdirSync(dir)).toEqual(["costs.csv"]);
  });
});

describe("CSV quoting", () => {
  test("fields are quoted only when needed, quotes doubled, missing values empty", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("cr\r")).toBe('"cr\r"');
    expect(csvField(undefined)).toBe("");
    expect(csvField(-0.125)).toBe("-0.125");
    expect(csvField(Number.NaN)).toBe("");
    expect(costCsvLine({ date: "2026-11-02", resourceId: "r1", product: "P", amount: 1.5 })).toBe("2026-11-02,r1,P,1.5,,,,");
  });
});
