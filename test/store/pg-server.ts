/**
 * A throw-away PostgreSQL for tests (and scripts/soak): `initdb` into a temp dir, `postgres` on a free port on
 * 127.0.0.1 with its unix socket in the same temp dir, as the unprivileged `postgres` user when we run as root
 * (PostgreSQL refuses root), stopped by its PID. Nothing system-wide is started or touched.
 *
 * Tests that need it are skipped only when no PostgreSQL is installed AND $CI is not set: in CI (`.ci/run`
 * installs Debian's `postgresql`) a missing server fails the suite instead of skipping it.
 */
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PG_USER = "ot3c";
export const PG_PASSWORD = "test-secret-3f9a";

/** The directory holding initdb/postgres: $OT3C_PG_BIN, Debian's /usr/lib/postgresql/<newest>/bin, or PATH. */
export function pgBinDir(): string | undefined {
  const env = process.env.OT3C_PG_BIN;
  if (env && existsSync(join(env, "initdb"))) return env;
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  const which = Bun.which("initdb");
  return which ? which.replace(/\/initdb$/, "") : undefined;
}

/** Skip (not fail) only on a developer machine without PostgreSQL. */
export const skipWithoutPg = !pgBinDir() && !process.env.CI;

export interface PgServer {
  port: number;
  pid: number;
  dir: string;
  /** A URL for `database` (created by `createDatabase`), with user and password. */
  url(database?: string): string;
  /** A fresh, empty database; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server by PID (SIGKILL with `crash`), waiting for it to exit. */
  stop(o?: { crash?: boolean }): Promise<void>;
  /** Starts it again on the same port and data directory (after `stop`). */
  restart(): Promise<void>;
  /** Stops and deletes everything. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs as the `postgres` user when we are root. */
function asPgUser(cmd: string[]): string[] {
  return process.getuid?.() === 0 ? ["setpriv", `--reuid=postgres`, `--regid=postgres`, "--clear-groups", "--", ...cmd] : cmd;
}

function pgUid(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const r = Bun.spawnSync(["id", "-u", "postgres"]);
  const g = Bun.spawnSync(["id", "-g", "postgres"]);
  if (r.exitCode !== 0) throw new Error("running as root and there is no `postgres` user to run PostgreSQL as (apt-get install postgresql)");
  return { uid: Number(r.stdout.toString().trim()), gid: Number(g.stdout.toString().trim()) };
}

let seq = 0;

export async function startPg(): Promise<PgServer> {
  const bin = pgBinDir();
  if (!bin) throw new Error("PostgreSQL is not installed (no initdb): apt-get install postgresql, or set OT3C_PG_BIN");
  const dir = mkdtempSync(join(tmpdir(), "ot3c-pg-"));
  const owner = pgUid();
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const data = join(dir, "data");
  const pwfile = join(dir, "pw");
  writeFileSync(pwfile, PG_PASSWORD + "\n", { mode: 0o600 });
  if (owner) chownSync(pwfile, owner.uid, owner.gid);
  const init = Bun.spawnSync(
    asPgUser([join(bin, "initdb"), "-D", data, "-U", PG_USER, `--pwfile=${pwfile}`, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"]),
    { stdout: "pipe", stderr: "pipe" },
  );
  if (init.exitCode !== 0) throw new Error(`initdb failed: ${init.stderr.toString()}`);
  let port = 0;
  let proc: ReturnType<typeof Bun.spawn> | undefined;
  const launch = async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      port ||= await freePort();
      proc = Bun.spawn(
        asPgUser([
          join(bin, "postgres"), "-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1",
          // A test database: durability is not what is tested here, speed on a shared machine is.
          "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
        ]),
        { stdout: "ignore", stderr: "pipe" },
      );
      if (await ready(port, proc)) return;
      proc.kill("SIGKILL");
      await proc.exited;
      port = 0; // taken meanwhile: another free port
    }
    throw new Error("PostgreSQL did not start");
  };
  await launch();
  const url = (database = "postgres") => `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/${database}`;
  const server: PgServer = {
    port,
    get pid() {
      return proc!.pid;
    },
    dir,
    url,
    async createDatabase(name = `t${process.pid}_${++seq}_${Date.now() % 100000}`) {
      const sql = new Bun.SQL({ url: url(), max: 1 });
      try {
        await sql.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await sql.close();
      }
      return url(name);
    },
    async stop(o = {}) {
      if (!proc || proc.exitCode !== null) return;
      // SIGINT: PostgreSQL's fast shutdown (clients are disconnected at once); SIGKILL: a crash.
      proc.kill(o.crash ? "SIGKILL" : "SIGINT");
      await proc.exited;
    },
    async restart() {
      await server.stop();
      await launch();
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

async function ready(port: number, proc: ReturnType<typeof Bun.spawn>): Promise<boolean> {
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) return false;
    const sql = new Bun.SQL({ url: `postgres://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${port}/postgres`, max: 1, connectionTimeout: 1 });
    try {
      await sql.unsafe("SELECT 1");
      return true;
    } catch {
      await Bun.sleep(50);
    } finally {
      await sql.close().catch(() => {});
    }
  }
  return false;
}
