/**
 * The store contract runs against both backends with the same test bodies: `forEachBackend(be => describe(…))`.
 * SQLite: a temp state directory. PostgreSQL: a throw-away server (pg-server.ts) per test file and a fresh
 * database per `be.fresh()`, created synchronously through the store's own driver.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store, type StateTarget } from "../../src/store/store.ts";
import { postgresDriver } from "../../src/store/pg/index.ts";
import { skipWithoutPg, startPg, type PgServer } from "./pg-server.ts";

export interface Place {
  dir: string;
  /** undefined: the state directory's SQLite file. */
  target?: StateTarget;
}

export interface Backend {
  name: "sqlite" | "postgres";
  skip: boolean;
  /** A new, empty store location. */
  fresh(): Place;
  open(p: Place): Store;
  /** The running server (postgres only). */
  server(): PgServer;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "ot3c-store-"));
  dirs.push(d);
  return d;
}

let seq = 0;

export function forEachBackend(body: (be: Backend) => void): void {
  const sqlite: Backend = {
    name: "sqlite",
    skip: false,
    fresh: () => ({ dir: tempDir() }),
    open: (p) => Store.open(p.dir, p.target),
    server: () => {
      throw new Error("no server for sqlite");
    },
  };
  body(sqlite);

  let pg: PgServer | undefined;
  let admin: ReturnType<typeof postgresDriver> | undefined;
  const postgres: Backend = {
    name: "postgres",
    skip: skipWithoutPg,
    fresh: () => {
      const name = `contract_${process.pid}_${++seq}`;
      admin!.exec(`CREATE DATABASE ${name}`);
      return { dir: tempDir(), target: { kind: "postgres", url: pg!.url(name) } };
    },
    open: (p) => Store.open(p.dir, p.target),
    server: () => pg!,
  };
  if (!postgres.skip) {
    beforeAll(async () => {
      pg = await startPg();
      admin = postgresDriver(pg.url());
    }, 60_000);
    afterAll(async () => {
      admin?.close();
      await pg?.destroy();
    });
  }
  body(postgres);
}
