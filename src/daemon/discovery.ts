/**
 * Finding the running daemon without flags, for `ot3c` (TUI), `ot3c approve|veto|postpone` and `ot3c status`.
 *
 * Where a daemon's control socket may be, in this order:
 *   1. `--state-dir` (explicit: only this one is tried),
 *   2. `$STATE_DIRECTORY` (inside a systemd unit),
 *   3. the `state-dir` of the configuration found by the usual lookup (when there is one),
 *   4. `/var/lib/ot3c` (the packaged unit's `StateDirectory=ot3c`),
 *   5. the user's state directory (`~/.local/state/ot3c`).
 * The first socket that answers is the daemon. A local configuration whose state directory is not the daemon's is
 * an error (`ForeignConfigError`), never a reason to start a second engine next to it: two engines for one project
 * mean a second plan, a second round of owner mail and, under `enforce: true`, deletions of their own — unless both
 * name the same PostgreSQL store (`state: postgres://…`): then they share one state and one lease, and the daemon
 * is the one to use.
 */
import { accessSync, constants, existsSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { ControlSocketClient, type KeepAliveOptions } from "./socket-client.ts";
import { redactUrl } from "../store/driver/redact.ts";

export const SYSTEM_STATE_DIR = "/var/lib/ot3c";

/** A configuration's PostgreSQL store as daemons tell it in `ping` (the URL without its password); undefined for SQLite. */
export function storeLabel(cfg: { state?: { kind: "sqlite" } | { kind: "postgres"; url: string } } | undefined): string | undefined {
  return cfg?.state?.kind === "postgres" ? redactUrl(cfg.state.url) : undefined;
}

export interface StateDirCandidate {
  dir: string;
  /** Which rule named it, for messages ("--state-dir", "$STATE_DIRECTORY", "ot3c.yaml", "/var/lib/ot3c", "user"). */
  via: string;
}

export interface DiscoveryInput {
  /** `--state-dir`, when given. */
  flag?: string;
  /** The state directory of the local configuration, when one was found and loaded. */
  configStateDir?: string;
  /** Where that configuration came from (messages). */
  configFile?: string;
  /** The configuration's PostgreSQL store (`storeLabel`), when it has one. */
  configStore?: string;
  env?: Record<string, string | undefined>;
  home?: string;
  cwd?: string;
  /** Tests: replaces /var/lib/ot3c. */
  systemDir?: string;
}

/** The per-user default, the same as the configuration's (src/config/normalise.ts resolveStateDir). */
export function userStateDir(home: string): string {
  return join(home, ".local", "state", "ot3c");
}

/** The candidate state directories, in lookup order, without duplicates. */
export function stateDirCandidates(i: DiscoveryInput): StateDirCandidate[] {
  const env = i.env ?? process.env;
  const home = i.home ?? env.HOME ?? homedir();
  const cwd = i.cwd ?? process.cwd();
  if (i.flag) return [{ dir: resolve(cwd, i.flag.replace(/^~(?=\/|$)/, home)), via: "--state-dir" }];
  const out: StateDirCandidate[] = [];
  const add = (dir: string | undefined, via: string) => {
    if (dir && !out.some((c) => samePath(c.dir, dir))) out.push({ dir, via });
  };
  add(env.STATE_DIRECTORY?.split(":")[0], "$STATE_DIRECTORY");
  add(i.configStateDir, i.configFile ?? "ot3c.yaml");
  add(i.systemDir ?? SYSTEM_STATE_DIR, i.systemDir ?? SYSTEM_STATE_DIR);
  add(userStateDir(home), "your state directory");
  return out;
}

function samePath(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

export class ForeignConfigError extends Error {
  override name = "ForeignConfigError";
  constructor(
    readonly daemonStateDir: string,
    readonly configStateDir: string,
    configFile: string | undefined,
  ) {
    super(
      `an ot3c daemon runs on ${daemonStateDir}, but ${configFile ?? "the local configuration"} uses state directory ${configStateDir}: ` +
        `not starting a second engine next to it. Use the daemon (\`ot3c --state-dir ${daemonStateDir}\`), or point the configuration at ` +
        `its state (state-dir: ${daemonStateDir}), or stop the daemon first`,
    );
  }
}

export class SocketAccessError extends Error {
  override name = "SocketAccessError";
  constructor(readonly socket: string) {
    super(
      `an ot3c daemon socket exists at ${socket}, but you may not use it (permission denied): ask an administrator to add you to the ` +
        `socket's group (README, "Running under systemd": SupplementaryGroups= in the unit, socket-group in ot3c.yaml, then log in again)`,
    );
  }
}

function canEnter(dir: string): boolean {
  try {
    accessSync(dir, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface FoundDaemon {
  client: ControlSocketClient;
  stateDir: string;
  via: string;
}

export function socketIn(stateDir: string): string {
  return join(stateDir, "ot3c.sock");
}

/**
 * The first candidate whose socket answers, or undefined. Throws SocketAccessError when a socket exists that this
 * user may not open (and no other answered), ForeignConfigError when a daemon answers on another state directory
 * than the local configuration's.
 */
export async function findDaemon(i: DiscoveryInput, keepAlive?: KeepAliveOptions): Promise<FoundDaemon | undefined> {
  let denied: string | undefined;
  for (const c of stateDirCandidates(i)) {
    const path = socketIn(c.dir);
    if (!existsSync(path)) {
      // A state directory we cannot enter (mode 0750, not in its group) hides the socket: say so at the end.
      if (existsSync(c.dir) && !canEnter(c.dir)) denied ??= path;
      continue;
    }
    try {
      accessSync(path, constants.W_OK);
    } catch {
      denied ??= path;
      continue;
    }
    const client = await ControlSocketClient.tryConnect(path, 2000, keepAlive);
    if (!client) continue;
    if (!i.flag && i.configStateDir && !samePath(i.configStateDir, c.dir)) {
      if (i.configStore) {
        const pong = await client.request({ cmd: "ping" }, 2000).catch(() => undefined);
        if (pong?.ok && pong.store === i.configStore) return { client, stateDir: c.dir, via: c.via };
      }
      client.close();
      throw new ForeignConfigError(c.dir, i.configStateDir, i.configFile);
    }
    return { client, stateDir: c.dir, via: c.via };
  }
  if (denied) throw new SocketAccessError(denied);
  return undefined;
}
