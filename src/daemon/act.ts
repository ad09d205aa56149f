/**
 * approve / veto / postpone from the command line: through the daemon's control socket when one answers (found
 * without flags, see discovery.ts), else
 * straight on the state database with the same lifecycle rules (audited with source `cli`). Works without a
 * running daemon and even without a valid configuration, as long as the state directory is known.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { CommandResult, EngineCommand } from "../engine/types.ts";
import { applyCommand } from "../engine/lifecycle.ts";
import { Store, type StateTarget } from "../store/store.ts";
import { redactUrl, storeTargetOf } from "../store/driver/index.ts";
import { findDaemon, stateDirCandidates } from "./discovery.ts";
import { operatorIdentity } from "../util/operator.ts";

export interface ActOptions {
  configPath?: string;
  stateDir?: string;
  ids: string[];
  action: { type: "approve" } | { type: "veto"; reason: string } | { type: "postpone"; byMs: number; force?: boolean } | { type: "resume" };
  actor?: string;
  now?: number;
}

export interface ActOutcome {
  via: "socket" | "state-db";
  stateDir: string;
  result: CommandResult;
}

export function defaultActor(): string {
  return operatorIdentity();
}

/** The local configuration's state directory, if a configuration is found (an explicit broken --config is an error). */
async function configStateDir(o: ActOptions): Promise<{ dir?: string; file?: string; target?: StateTarget }> {
  try {
    const { loadConfig } = await import("../config/load.ts");
    const cfg = await loadConfig({ path: o.configPath });
    const target = storeTargetOf(cfg);
    return { dir: cfg.stateDir, ...(cfg.sourcePath ? { file: cfg.sourcePath } : {}), ...(target ? { target } : {}) };
  } catch (err) {
    if (o.configPath) throw err;
    return {};
  }
}

export async function actOnItems(o: ActOptions): Promise<ActOutcome> {
  const actor = o.actor?.trim() || defaultActor();
  const base = { ids: o.ids, actor, source: "cli" as const };
  const cmd: EngineCommand =
    o.action.type === "approve" || o.action.type === "resume"
      ? { type: o.action.type, ...base }
      : o.action.type === "veto"
        ? { type: "veto", ...base, reason: o.action.reason }
        : { type: "postpone", ...base, byMs: o.action.byMs, ...(o.action.force ? { force: true } : {}) };
  // The daemon first, wherever it runs (src/daemon/discovery.ts); the state database only when none answers.
  // The configuration also when --state-dir is given: it names the store (`state: postgres://…`) when no daemon answers.
  const local = await configStateDir(o);
  const found = await findDaemon({ flag: o.stateDir, configStateDir: local.dir, configFile: local.file, configStore: local.target?.kind === "postgres" ? redactUrl(local.target.url) : undefined });
  if (found) {
    try {
      return { via: "socket", stateDir: found.stateDir, result: await found.client.send(cmd) };
    } finally {
      found.client.close();
    }
  }
  const { resolveStateDir } = await import("../config/normalise.ts");
  const stateDir = o.stateDir ? resolveStateDir({ flag: o.stateDir, env: process.env, cwd: process.cwd(), home: homedir() }) : (local.dir ?? resolveStateDir({ env: process.env, cwd: process.cwd(), home: homedir() }));
  // A PostgreSQL store is shared by every host: the decision goes there, whichever daemon leads picks it up. An
  // explicit --state-dir holding a SQLite state wins over a configuration found by the usual lookup.
  const target = o.stateDir && !o.configPath && existsSync(join(stateDir, "ot3c.db")) ? undefined : local.target;
  if (!target && !existsSync(join(stateDir, "ot3c.db"))) {
    const tried = stateDirCandidates({ flag: o.stateDir, configStateDir: local.dir, configFile: local.file }).map((c) => c.dir);
    throw new Error(`no ot3c daemon answers (tried ${tried.join(", ")}) and there is no ot3c state in ${stateDir}: pass --state-dir or --config`);
  }
  const store = Store.open(stateDir, target);
  try {
    return { via: "state-db", stateDir: target ? store.path : stateDir, result: applyCommand(store, cmd, o.now ?? Date.now()) };
  } finally {
    store.close();
  }
}
