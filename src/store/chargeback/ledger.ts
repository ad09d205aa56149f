/**
 * The chargeback ledger: billing rows, their allocated pieces, the day's usage and the object registry, in SQLite
 * (WAL). A day is replaced as a whole — delete + insert in one transaction — so a restated day never shows a mix
 * of old and new pieces, and re-running a sync on unchanged data changes nothing.
 */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { AllocationPiece, BillingRow, ChargebackObjects, UsageSample } from "../../engine/chargeback/types.ts";
import { HOUR_MS } from "../../engine/chargeback/types.ts";
import { dayStart } from "../../engine/chargeback/hours.ts";
import { migrate } from "./schema.ts";

export interface DayRecord {
  day: string;
  hash: string;
  rowCount: number;
  totalMicros: number;
  computedAt: number;
  version: number;
}

export interface CursorState {
  hour: number;
  servedHour?: number;
  servedTo?: string;
  servedAt?: number;
}

type ObjectKind = keyof ChargebackObjects;
export type TotalsColumn = "principal" | "cost_type" | "reason" | "line_type" | "product" | "env_id" | "resource_id" | "day";
const OBJECT_KINDS: ObjectKind[] = ["environments", "clusters", "identities", "apiKeys", "connectors", "ksqlClusters", "schemaRegistries", "flinkPools"];

export class Ledger {
  readonly db: Database;
  private objectsCache?: { version: string; objects: ChargebackObjects };

  constructor(readonly path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path, { create: true });
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
    migrate(this.db);
  }

  static open(stateDir: string): Ledger {
    return new Ledger(join(stateDir, "chargeback.db"));
  }

  close(): void {
    this.db.close();
  }

  // ---- days -------------------------------------------------------------------------------------------------

  days(): DayRecord[] {
    return (this.db.query("SELECT * FROM billing_day ORDER BY day").all() as any[]).map((r) => ({
      day: r.day,
      hash: r.hash,
      rowCount: r.row_count,
      totalMicros: r.total_micros,
      computedAt: r.computed_at,
      version: r.version,
    }));
  }

  dayRecord(day: string): DayRecord | undefined {
    const r = this.db.query("SELECT * FROM billing_day WHERE day = ?").get(day) as any;
    return r ? { day: r.day, hash: r.hash, rowCount: r.row_count, totalMicros: r.total_micros, computedAt: r.computed_at, version: r.version } : undefined;
  }

  /** Replaces everything stored for `day` in one transaction. */
  replaceDay(day: string, hash: string, entries: Array<{ row: BillingRow; segmentMicros: number; pieces: AllocationPiece[] }>, usage: UsageSample[], now: number): void {
    const delRows = this.db.prepare("DELETE FROM billing_row WHERE day = ?");
    const insRow = this.db.prepare(
      "INSERT INTO billing_row (day, row_key, json, amount_micros, line_type, product, env_id, resource_id, pieces) VALUES (?,?,?,?,?,?,?,?,?)",
    );
    const upUsage = this.db.prepare("INSERT OR REPLACE INTO usage_day (day, json) VALUES (?, ?)");
    const prev = this.db.query("SELECT version FROM billing_day WHERE day = ?").get(day) as { version: number } | null;
    const upDay = this.db.prepare(
      "INSERT OR REPLACE INTO billing_day (day, hash, row_count, total_micros, computed_at, version) VALUES (?,?,?,?,?,?)",
    );
    const base = dayStart(day);
    this.db.transaction(() => {
      delRows.run(day);
      let total = 0;
      for (const { row, segmentMicros, pieces } of entries) {
        const envId = pieces[0]?.envId ?? row.envId;
        const compact = JSON.stringify(pieces.map((p) => [p.principal, p.costType, p.reason, p.micros]));
        insRow.run(day, row.key, JSON.stringify(row), segmentMicros, row.lineType, row.product, envId, row.resourceId, compact);
        total += segmentMicros;
      }
      upUsage.run(day, JSON.stringify(usage.map((u) => [(u.hour - base) / HOUR_MS, u.kafkaId, u.principal, u.requestBytes, u.responseBytes])));
      upDay.run(day, hash, entries.length, total, now, (prev?.version ?? 0) + 1);
    })();
  }

  /** Billing rows stored for `day` (whole rows, as fetched). */
  rowsForDay(day: string): BillingRow[] {
    return (this.db.query("SELECT json FROM billing_row WHERE day = ? ORDER BY row_key").all(day) as Array<{ json: string }>).map((r) => JSON.parse(r.json));
  }

  usageForDay(day: string): UsageSample[] {
    const r = this.db.query("SELECT json FROM usage_day WHERE day = ?").get(day) as { json: string } | null;
    if (!r) return [];
    const base = dayStart(day);
    return (JSON.parse(r.json) as Array<[number, string, string, number, number]>).map(([h, kafkaId, principal, requestBytes, responseBytes]) => ({
      hour: base + h * HOUR_MS,
      kafkaId,
      principal,
      requestBytes,
      responseBytes,
    }));
  }

  /** Allocated pieces, optionally for [fromDay, toDay), ordered by day and row. */
  pieces(fromDay?: string, toDay?: string): AllocationPiece[] {
    const out: AllocationPiece[] = [];
    const rows = this.db
      .query("SELECT day, row_key, line_type, product, env_id, resource_id, pieces FROM billing_row WHERE day >= ? AND day < ? ORDER BY day, row_key")
      .all(fromDay ?? "0000-00-00", toDay ?? "9999-99-99") as any[];
    for (const r of rows) {
      for (const [principal, costType, reason, micros] of JSON.parse(r.pieces) as Array<[string, AllocationPiece["costType"], AllocationPiece["reason"], number]>) {
        out.push({ rowKey: r.row_key, day: r.day, principal, costType, reason, lineType: r.line_type, product: r.product, envId: r.env_id, resourceId: r.resource_id, micros });
      }
    }
    return out;
  }

  /**
   * Sum of micros grouped by allocation columns, for [fromDay, toDay), largest first. Without piece columns the
   * row table answers directly; otherwise one pass over the rows' compact pieces in JS is several times faster
   * than SQLite's json_each view on millions of pieces.
   */
  totals(columns: TotalsColumn[], fromDay?: string, toDay?: string): Array<Record<string, string> & { micros: number }> {
    const from = fromDay ?? "0000-00-00";
    const to = toDay ?? "9999-99-99";
    const pieceCols = columns.filter((c) => c === "principal" || c === "cost_type" || c === "reason");
    if (pieceCols.length === 0) {
      const cols = columns.join(", ");
      return this.db
        .query(`SELECT ${cols}${cols ? "," : ""} SUM(amount_micros) AS micros FROM billing_row WHERE day >= ? AND day < ? ${cols ? `GROUP BY ${cols} ORDER BY micros DESC, ${cols}` : ""}`)
        .all(from, to)
        .map((r: any) => ({ ...r, micros: r.micros ?? 0 })) as any[];
    }
    const PIECE_INDEX = { principal: 0, cost_type: 1, reason: 2 } as const;
    const groups = new Map<string, Record<string, string> & { micros: number }>();
    const rows = this.db
      .query("SELECT day, line_type, product, env_id, resource_id, pieces FROM billing_row WHERE day >= ? AND day < ?")
      .all(from, to) as Array<Record<string, string>>;
    for (const r of rows) {
      for (const p of JSON.parse(r.pieces!) as Array<[string, string, string, number]>) {
        const values = columns.map((c) => (c in PIECE_INDEX ? p[PIECE_INDEX[c as keyof typeof PIECE_INDEX]] : r[c]) as string);
        const key = values.join("\u0000");
        const g = groups.get(key);
        if (g) g.micros += p[3];
        else groups.set(key, Object.assign(Object.fromEntries(columns.map((c, i) => [c, values[i]!])), { micros: p[3] }));
      }
    }
    return [...groups.values()].sort((a, b) => b.micros - a.micros || columns.reduce((o, c) => o || String(a[c]).localeCompare(String(b[c])), 0));
  }

  /** Per billing row: its stored amount for the day and the sum of its pieces (they must be equal). */
  conservation(): Array<{ day: string; row_key: string; amount: number; allocated: number }> {
    return this.db
      .query(
        `SELECT b.day, b.row_key, b.amount_micros AS amount,
                (SELECT COALESCE(SUM(j.value ->> '$[3]'), 0) FROM json_each(b.pieces) j) AS allocated
         FROM billing_row b`,
      )
      .all() as any[];
  }

  // ---- objects ----------------------------------------------------------------------------------------------

  /**
   * Merges a fresh listing into the registry. Objects the API no longer lists are kept with `deleted_at` = the
   * first sync that missed them (the API only lists live objects), so past hours keep their identities.
   */
  mergeObjects(objects: ChargebackObjects, now: number): void {
    const existing = this.db.prepare("SELECT id, deleted_at FROM object WHERE kind = ?");
    const upsert = this.db.prepare(
      `INSERT INTO object (kind, id, json, first_seen, last_seen, deleted_at) VALUES (?,?,?,?,?,?)
       ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json, last_seen = excluded.last_seen, deleted_at = excluded.deleted_at`,
    );
    const markGone = this.db.prepare("UPDATE object SET deleted_at = ? WHERE kind = ? AND id = ?");
    this.db.transaction(() => {
      for (const kind of OBJECT_KINDS) {
        const seen = new Set<string>();
        for (const o of objects[kind] as Array<{ id: string; deletedAt?: number }>) {
          seen.add(o.id);
          upsert.run(kind, o.id, JSON.stringify(o), now, now, o.deletedAt ?? null);
        }
        for (const r of existing.all(kind) as Array<{ id: string; deleted_at: number | null }>) {
          if (!seen.has(r.id) && r.deleted_at === null) markGone.run(now, kind, r.id);
        }
      }
      // Stored, not in memory: an exporter holding another connection must see the new registry too.
      this.setMeta("objects_version", String(Number(this.getMeta("objects_version") ?? "0") + 1));
    })();
  }

  /** The registry as engine objects, deletions applied. */
  objects(): ChargebackObjects {
    const version = this.getMeta("objects_version") ?? "0";
    if (this.objectsCache?.version === version) return this.objectsCache.objects;
    const out = Object.fromEntries(OBJECT_KINDS.map((k) => [k, [] as unknown[]])) as unknown as ChargebackObjects;
    for (const r of this.db.query("SELECT kind, json, deleted_at FROM object ORDER BY kind, id").all() as any[]) {
      const o = JSON.parse(r.json);
      if (r.deleted_at !== null) o.deletedAt = r.deleted_at;
      (out[r.kind as ObjectKind] as unknown[])?.push(o);
    }
    this.objectsCache = { version, objects: out };
    return out;
  }

  // ---- cursor -----------------------------------------------------------------------------------------------

  cursor(name: string): CursorState | undefined {
    const r = this.db.query("SELECT * FROM cursor WHERE name = ?").get(name) as any;
    return r ? { hour: r.hour, servedHour: r.served_hour ?? undefined, servedTo: r.served_to ?? undefined, servedAt: r.served_at ?? undefined } : undefined;
  }

  setCursor(name: string, c: CursorState): void {
    this.db
      .query("INSERT OR REPLACE INTO cursor (name, hour, served_hour, served_to, served_at) VALUES (?,?,?,?,?)")
      .run(name, c.hour, c.servedHour ?? null, c.servedTo ?? null, c.servedAt ?? null);
  }

  getMeta(key: string): string | undefined {
    return (this.db.query("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | null)?.value;
  }

  setMeta(key: string, value: string): void {
    this.db.query("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)").run(key, value);
  }
}
