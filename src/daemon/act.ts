/**
 * approve / veto / postpone from the command line: through the daemon's control socket when one answers, else
 * straight on the state database with the same lifecycle rules (audited with source `cli`). Works without a
 * running daemon and even without a valid configuration, as long as the state directory is known.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { CommandResult, EngineCommand } from "../engine/types.ts";
import { applyCommand } from "../engine/lifecycle.ts";
import { Store } from "../store/store.ts";
import { ControlSocketClient } from "./socket-client.ts";
import { operatorIdentity } from "../util/operator.ts";

export interface ActOptions {
  configPath?: string;
  stateDir?: string;
  ids: string[];
  action: { type: "approve" } | { type: "veto"; reason: string } | { type: "postpone"; byMs: number } | { type: "resume" };
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

async function stateDirFor(o: ActOptions): Promise<string> {
  const { resolveStateDir } = await import("../config/normalise.ts");
  if (o.stateDir) return resolveStateDir({ flag: o.stateDir, env: process.env, cwd: process.cwd(), home: homedir() });
  try {
    const { loadConfig } = await import("../config/load.ts");
    return (await loadConfig({ path: o.configPath })).stateDir;
  } catch (err) {
    // An explicit --config that is broken is an error; without one, fall back to the default state directory.
    if (o.configPath) throw err;
    return resolveStateDir({ env: process.env, cwd: process.cwd(), home: homedir() });
  }
}

export async function actOnItems(o: ActOptions): Promise<ActOutcome> {
  const stateDir = await stateDirFor(o);
  const actor = o.actor?.trim() || defaultActor();
  const client = await ControlSocketClient.tryConnect(join(stateDir, "ot3c.sock"));
  const base = { ids: o.ids, actor, source: "cli" as const };
  const cmd: EngineCommand =
    o.action.type === "approve" || o.action.type === "resume"
      ? { type: o.action.type, ...base }
      : o.action.type === "veto"
        ? { type: "veto", ...base, reason: o.action.reason }
        : { type: "postpone", ...base, byMs: o.action.byMs };
  if (client) {
    try {
      return { via: "socket", stateDir, result: await client.send(cmd) };
    } finally {
      client.close();
    }
  }
  if (!existsSync(join(stateDir, "ot3c.db"))) {
    throw new Error(`no ot3c state in ${stateDir} (no daemon socket, no ot3c.db): pass --state-dir or --config`);
  }
  const store = Store.open(stateDir);
  try {
    return { via: "state-db", stateDir, result: applyCommand(store, cmd, o.now ?? Date.now()) };
  } finally {
    store.close();
  }
}
