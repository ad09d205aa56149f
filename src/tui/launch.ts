/**
 * `ot3c` / `ot3c tui`: decide between the TUI and the plain summary, find the engine (a daemon's control socket
 * in the state directory, else an in-process engine), and run. Loaded lazily by src/cli/commands/tui.ts.
 */
import { join } from "node:path";
import { homedir } from "node:os";
import type { EngineHandle, EngineSnapshot } from "../engine/types.ts";
import type { Config } from "../config/types.ts";
import type { GlobalOptions } from "../cli/globals.ts";
import { NON_TTY_HINT, textSummary } from "./summary.ts";

export interface LaunchOptions {
  globals: GlobalOptions;
  readOnly: boolean;
  standalone: boolean;
  /** Overridable for tests; default: both process streams are TTYs. */
  interactive?: boolean;
}

export class EngineUnavailableError extends Error {
  override name = "EngineUnavailableError";
}

interface Opened {
  handle: EngineHandle;
  close(): void | Promise<void>;
  snapshotOnce(): Promise<EngineSnapshot | undefined>;
}

export function socketPath(stateDir: string): string {
  return join(stateDir, "ot3c.sock");
}

async function resolveStateDirFor(g: GlobalOptions, cfg: Config | undefined): Promise<string> {
  if (cfg) return cfg.stateDir;
  const { resolveStateDir } = await import("../config/normalise.ts");
  return resolveStateDir({ flag: g.stateDir, env: process.env, cwd: process.cwd(), home: process.env.HOME ?? homedir() });
}

/** The daemon found by src/daemon/discovery.ts; in a terminal the link is watched (heartbeat, reconnect). */
async function attach(g: GlobalOptions, cfg: Config | undefined, watch: boolean): Promise<(Opened & { stateDir: string }) | undefined> {
  const { findDaemon, storeLabel } = await import("../daemon/discovery.ts");
  const found = await findDaemon({ flag: g.stateDir, configStateDir: cfg?.stateDir, configFile: cfg?.sourcePath, configStore: storeLabel(cfg) }, watch ? {} : undefined);
  if (!found) return undefined;
  const client = found.client;
  return {
    stateDir: found.stateDir,
    handle: client,
    close: () => client.close(),
    snapshotOnce: async () => {
      const res = await client.request({ cmd: "snapshot" }, 10_000);
      if (!res.ok) throw new Error(`daemon: ${res.error}`);
      return res.snapshot;
    },
  };
}

/**
 * The in-process engine for `ot3c` without a daemon: the daemon's own assembly (src/daemon/assemble.ts) and
 * services (metrics port, chargeback), under the project's lease like a daemon. Only with a terminal: a plain
 * `ot3c | cat` must not start an engine that could execute due terminations as a side effect of printing a summary.
 */
async function openInProcessEngine(cfg: Config, interactive: boolean): Promise<Opened> {
  if (!interactive) {
    throw new EngineUnavailableError(
      `no daemon is listening on ${socketPath(cfg.stateDir)}; without a terminal ot3c does not start an engine of its own ` +
        "(it would execute due terminations): start `ot3c daemon`, or see `ot3c list` / `ot3c plan`",
    );
  }
  const [{ assembleEngine }, { startServices }, { getLogger }, { systemClock }] = await Promise.all([
    import("../daemon/assemble.ts"),
    import("../daemon/services.ts"),
    import("../log/logger.ts"),
    import("../engine/types.ts"),
  ]);
  // Another engine for the project (a daemon whose socket did not answer, `ot3c run`) keeps acting: this one
  // follows it (src/store/lease) and the header says FOLLOWER.
  const assembled = await assembleEngine(cfg, { clock: systemClock, log: getLogger() });
  const { engine } = assembled;
  engine.start();
  const services = startServices({ cfg, engine, log: getLogger(), clock: systemClock });
  return {
    handle: engine,
    close: async () => {
      await assembled.stopEngine();
      await services.stop();
      await assembled.close();
    },
    snapshotOnce: async () => engine.getSnapshot(),
  };
}

export async function launchTui(o: LaunchOptions): Promise<number> {
  const interactive = o.interactive ?? (process.stdin.isTTY === true && process.stdout.isTTY === true);
  const g = o.globals;

  // While the UI is up nothing may print into it: logs go to a ring buffer shown in the Events view.
  const { createLogger, setLogger } = await import("../log/logger.ts");
  const { ringSink } = await import("../log/sinks.ts");
  const ring = ringSink(500);
  const previous = interactive ? setLogger(createLogger({ level: g.logLevel ?? "info", sinks: [ring] })) : undefined;

  try {
    let cfg: Config | undefined;
    let cfgError: unknown;
    try {
      const { loadConfig } = await import("../config/load.ts");
      cfg = await loadConfig({ path: g.config, stateDir: g.stateDir });
    } catch (err) {
      cfgError = err;
    }
    let stateDir = await resolveStateDirFor(g, cfg);

    let opened: Opened | undefined;
    if (!o.standalone) {
      try {
        const attached = await attach(g, cfg, interactive);
        if (attached) ({ stateDir } = attached);
        opened = attached;
      } catch (err) {
        // A daemon runs elsewhere than the local config says, or its socket is not ours to use: never a second engine.
        const { ForeignConfigError, SocketAccessError } = await import("../daemon/discovery.ts");
        if (!(err instanceof ForeignConfigError || err instanceof SocketAccessError)) throw err;
        process.stderr.write(`ot3c: ${err.message}\n`);
        return 1;
      }
    }
    if (!opened) {
      // Without a daemon we need the configuration to run an engine ourselves.
      if (cfgError) throw cfgError;
      try {
        opened = await openInProcessEngine(cfg!, interactive);
      } catch (err) {
        if (!(err instanceof EngineUnavailableError)) throw err;
        if (interactive) {
          process.stderr.write(`ot3c: ${err.message}\n`);
          return 1;
        }
        process.stdout.write(`ot3c: ${err.message}\n\n${NON_TTY_HINT}\n`);
        return 0;
      }
    }

    try {
      if (!interactive) {
        const snap = opened.handle.getSnapshot() ?? (await opened.snapshotOnce());
        process.stdout.write(
          snap ? textSummary(snap, opened.handle.connection, Date.now()) : `ot3c: the engine has no snapshot yet\n\n${NON_TTY_HINT}\n`,
        );
        return 0;
      }
      const { runTui } = await import("./run.ts");
      return await runTui(opened.handle, {
        readOnly: o.readOnly,
        color: g.color ? "auto" : "never",
        stateDir,
        logs: {
          recent: () =>
            ring.entries().map((e) => ({ at: e.time, level: e.level, message: (e.component ? `[${e.component}] ` : "") + e.msg })),
        },
      });
    } finally {
      await opened.close();
    }
  } finally {
    // Back to whatever was there (undefined: the default stderr logger is created again on first use).
    if (interactive) setLogger(previous);
  }
}
