/**
 * `ot3c status` on a host without a daemon, when the configuration names a shared PostgreSQL store: every host's
 * daemon writes its lease, syncs and items there, so the store itself says who leads, when the last sync ran and
 * what the leader will do — the same document as from a daemon's socket, marked `source: "store"`. Read only.
 */
import type { Config } from "../config/types.ts";
import { billingPeriod } from "../engine/period.ts";
import { Store } from "../store/store.ts";
import { storeTargetOf } from "../store/driver/index.ts";
import { redactUrl } from "../store/driver/redact.ts";
import { displayHolder, leaseName } from "../store/lease/index.ts";
import { readLease } from "../store/lease/sql.ts";
import { projectOf } from "./assemble.ts";
import { STATUS_VERSION, statusItems, utc, type StatusDocument } from "./status.ts";

export function storeStatusDocument(cfg: Config, now: number, timeZone: string): StatusDocument {
  const target = storeTargetOf(cfg);
  if (target?.kind !== "postgres") throw new Error("status from the store needs `state: postgres://…` (a SQLite state is read through its daemon)");
  const store = Store.open(cfg.stateDir, target);
  try {
    const project = projectOf(cfg);
    const lease = readLease(store.db, leaseName(project, cfg.instance));
    const period = billingPeriod(now, cfg.billingBeginDay);
    const last = store.lastSync();
    const lastOk = store.lastSync(true);
    // Expired: nobody leads now (the alert Ot3cNoLeader says the same); the row still names the last holder.
    const leading = lease && lease.expiresAt > lease.dbNow;
    return {
      version: STATUS_VERSION,
      daemon: { stateDir: redactUrl(target.url), socket: null, pid: null, source: "store" },
      project: { name: project.name, region: project.region, id: project.id ?? null },
      mode: cfg.enforce ? "ENFORCE" : "DRY-RUN",
      approval: cfg.approval,
      leader: lease
        ? { role: "FOLLOWER", self: "(no daemon on this host)", holder: leading ? displayHolder(lease.holder) : null, epoch: lease.epoch, expiresAt: utc(lease.expiresAt) }
        : null,
      lastSync: {
        state: !last ? "NEVER" : last.ok ? "OK" : "DEGRADED",
        lastAttemptAt: utc(last?.at),
        lastSuccessAt: utc(lastOk?.at),
        error: last && !last.ok ? (last.error ?? null) : null,
      },
      timeZone,
      items: statusItems(store.itemsForSnapshot(period.start), new Map(), timeZone),
      at: new Date(now).toISOString(),
    };
  } finally {
    store.close();
  }
}
