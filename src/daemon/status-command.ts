/** The body of `ot3c status` (src/cli/commands/status.ts): find the daemon, print its status once or on change. */
import type { GlobalOptions } from "../cli/globals.ts";
import type { OutputFormat } from "../cli/output.ts";
import type { EngineSnapshot } from "../engine/types.ts";
import { findDaemon, ForeignConfigError, SocketAccessError, socketIn, stateDirCandidates, storeLabel } from "./discovery.ts";
import { statusDocument, statusText, type StatusDocument } from "./status.ts";
import { knownProjects, unknownChoice, type ScopeChoice } from "../cli/scope-filter.ts";

/** An unknown --budget/--project name for this snapshot, with the known names (exit 2). */
function badChoice(snap: EngineSnapshot, choice: ScopeChoice): string | undefined {
  const budgets = snap.budgets?.map((b) => b.name) ?? ["all"];
  return unknownChoice(choice, budgets, knownProjects(snap.resources, { id: snap.project.id, name: snap.project.name, region: snap.project.region }));
}

async function localConfig(g: GlobalOptions): Promise<{ dir?: string; file?: string; store?: string }> {
  if (g.stateDir) return {};
  try {
    const { loadConfig } = await import("../config/load.ts");
    const cfg = await loadConfig({ path: g.config });
    const store = storeLabel(cfg);
    return { dir: cfg.stateDir, ...(cfg.sourcePath ? { file: cfg.sourcePath } : {}), ...(store ? { store } : {}) };
  } catch (err) {
    if (g.config) throw err;
    return {};
  }
}

export async function runStatus(o: { globals: GlobalOptions; output: OutputFormat; watch: boolean; choice?: ScopeChoice }): Promise<number> {
  const choice = o.choice ?? {};
  const local = await localConfig(o.globals);
  const input = { flag: o.globals.stateDir, configStateDir: local.dir, configFile: local.file, configStore: local.store };
  let found;
  try {
    found = await findDaemon(input, o.watch ? {} : undefined);
  } catch (err) {
    if (err instanceof ForeignConfigError || err instanceof SocketAccessError) {
      process.stderr.write(`ot3c: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (!found) {
    process.stderr.write(`ot3c: no ot3c daemon answers (tried ${stateDirCandidates(input).map((c) => c.dir).join(", ")}); nothing is acting for the project\n`);
    return 1;
  }
  const client = found.client;
  const pong = await client.request({ cmd: "ping" }, 5000);
  const daemon = { stateDir: found.stateDir, socket: socketIn(found.stateDir), ...(pong.ok && pong.pid ? { pid: pong.pid } : {}) };
  const print = async (doc: StatusDocument) => {
    if (o.output === "json") process.stdout.write(JSON.stringify(doc, null, o.watch ? 0 : 2) + "\n");
    else if (o.output === "yaml") {
      const { stringify } = await import("yaml");
      process.stdout.write((o.watch ? "---\n" : "") + stringify(doc));
    } else process.stdout.write((o.watch && process.stdout.isTTY ? "\x1b[H\x1b[2J" : o.watch ? "\n" : "") + statusText(doc) + "\n");
  };
  if (!o.watch) {
    try {
      const res = await client.request({ cmd: "snapshot" }, 10_000);
      if (!res.ok || !res.snapshot) {
        process.stderr.write(`ot3c: daemon: ${res.ok ? "no snapshot yet" : res.error}\n`);
        return 1;
      }
      const bad = badChoice(res.snapshot, choice);
      if (bad) {
        process.stderr.write(`ot3c: ${bad}\n`);
        return 2;
      }
      await print(statusDocument(res.snapshot, daemon, undefined, choice));
      return 0;
    } finally {
      client.close();
    }
  }
  // --watch: one document per change, until Ctrl-C; the link's state goes to stderr.
  let last = "";
  const onSnap = (s: EngineSnapshot) => {
    const bad = badChoice(s, choice);
    if (bad) {
      process.stderr.write(`ot3c: ${bad}\n`);
      return;
    }
    const doc = statusDocument(s, daemon, undefined, choice);
    const key = JSON.stringify({ ...doc, at: "" });
    if (key === last) return;
    last = key;
    void print(doc);
  };
  client.subscribe(onSnap);
  client.onConnectionChange((st) => process.stderr.write(`ot3c: ${st.state === "connected" ? "reconnected to the daemon" : `daemon ${st.state}: ${st.reason ?? ""}`}\n`));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  client.close();
  return 0;
}
