/**
 * The PostgreSQL side of the synchronous bridge (bridge.ts): one worker thread, one connection (Bun.SQL, pool of
 * one). It runs each request the main thread posts and writes the answer as JSON into the shared buffer, in chunks
 * when it is larger than the buffer, waiting for the main thread to take each chunk.
 *
 * A transaction runs on a reserved connection, so BEGIN … COMMIT can never be split over two connections (a
 * dropped connection makes the next statement fail instead of committing half a transaction on a new one).
 */
declare const self: Worker;

interface Init {
  type: "init";
  url: string;
  password?: string;
  application?: string;
  sab: SharedArrayBuffer;
  connectTimeoutS: number;
}
interface Req {
  type: "req";
  id: number;
  op: "get" | "all" | "run" | "exec" | "begin" | "commit" | "rollback" | "close";
  sql?: string;
  params?: unknown[];
}

/** Layout: see bridge.ts. */
const HEADER = 20;
let ctl: Int32Array;
let data: Uint8Array;
let sql: InstanceType<typeof Bun.SQL> | undefined;
let options: Init;
let reserved: Awaited<ReturnType<InstanceType<typeof Bun.SQL>["reserve"]>> | undefined;
let queue: Promise<void> = Promise.resolve();

/** int8 arrives as bigint (bigint: true), numeric (SUM, AVG) as a string: both are numbers to the store. */
const NUMERIC_OID = 1700;

function connection(): InstanceType<typeof Bun.SQL> {
  sql ??= new Bun.SQL({
    url: options.url,
    ...(options.password ? { password: options.password } : {}),
    max: 1,
    bigint: true,
    // Unnamed statements: named prepared statements do not survive a pooler in transaction mode (PgBouncer).
    prepare: false,
    connectionTimeout: options.connectTimeoutS,
    idleTimeout: 0,
    connection: {
      ...(options.application ? { application_name: options.application } : {}),
      // ot3c's transactions last milliseconds. One left open (a process paused mid-transaction) would hold the
      // write lock every ot3c needs, lease renewals included: PostgreSQL ends it instead.
      idle_in_transaction_session_timeout: "10s",
    },
  });
  return sql;
}

function send(id: number, payload: unknown): void {
  const bytes = new TextEncoder().encode(
    JSON.stringify(payload, (_k, v) => (typeof v === "bigint" ? Number(v) : v)),
  );
  const cap = data.length;
  let off = 0;
  do {
    // Wait until the main thread took the previous chunk; if it gave up on us (timeout), it terminates this worker.
    while (Atomics.load(ctl, 0) !== 0) Atomics.wait(ctl, 0, 1, 1000);
    const n = Math.min(cap, bytes.length - off);
    data.set(bytes.subarray(off, off + n));
    off += n;
    ctl[1] = n;
    ctl[2] = off >= bytes.length ? 1 : 0;
    ctl[3] = id;
    Atomics.store(ctl, 0, 1);
    Atomics.notify(ctl, 0);
  } while (off < bytes.length);
}

function normalise(rows: Array<Record<string, unknown>> & { columns?: Array<{ name: string; type: number }> }): Array<Record<string, unknown>> {
  const numeric = (rows.columns ?? []).filter((c) => c.type === NUMERIC_OID).map((c) => c.name);
  const out: Array<Record<string, unknown>> = [];
  for (const r of rows) {
    const o: Record<string, unknown> = { ...r };
    for (const k of numeric) if (typeof o[k] === "string") o[k] = Number(o[k]);
    out.push(o);
  }
  return out;
}

async function handle(r: Req): Promise<unknown> {
  switch (r.op) {
    case "begin":
      reserved = await connection().reserve();
      try {
        await reserved.unsafe(r.sql!);
      } catch (err) {
        reserved.release();
        reserved = undefined;
        throw err;
      }
      return {};
    case "commit":
    case "rollback": {
      const conn = reserved;
      reserved = undefined;
      if (!conn) throw new Error(`${r.op} without a transaction`);
      try {
        await conn.unsafe(r.op === "commit" ? "COMMIT" : "ROLLBACK");
      } finally {
        conn.release();
      }
      return {};
    }
    case "exec":
      await (reserved ?? connection()).unsafe(r.sql!);
      return {};
    case "close":
      await sql?.close({ timeout: 1 });
      sql = undefined;
      return {};
    default: {
      const res = await (reserved ?? connection()).unsafe(r.sql!, (r.params ?? []) as never[]);
      if (r.op === "run") return { changes: Number(res.count ?? 0) };
      const rows = normalise(res as never);
      return r.op === "get" ? { row: rows[0] ?? null } : { rows };
    }
  }
}

self.onmessage = (ev: MessageEvent<Init | Req>) => {
  const m = ev.data;
  if (m.type === "init") {
    options = m;
    ctl = new Int32Array(m.sab, 0, 5);
    data = new Uint8Array(m.sab, HEADER);
    Atomics.store(ctl, 4, 1);
    Atomics.notify(ctl, 4);
    return;
  }
  // One request at a time, in order (the main thread blocks on each anyway).
  queue = queue.then(async () => {
    try {
      send(m.id, { ok: true, ...((await handle(m)) as object) });
    } catch (err) {
      const e = err as { message?: string; code?: string; errno?: string; severity?: string };
      send(m.id, { ok: false, message: String(e?.message ?? err), code: e?.code, sqlstate: e?.errno });
    }
  });
};
