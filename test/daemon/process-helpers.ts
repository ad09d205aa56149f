/** Spawning the real ot3c executable (compiled when dist/ot3c is current, else from source) in daemon tests. */
import { join } from "node:path";
import { BIN, ROOT, binaryIsCurrent } from "../e2e/compiled-binary.ts";

let cached: string[] | undefined;

/**
 * The command that runs ot3c: dist/ot3c when it was built after the last change under src/ (a stale binary would
 * test old code), else bun on src/main.ts.
 */
export function ot3cCommand(): string[] {
  if (cached) return cached;
  // OT3C_BIN: test a specific build (e.g. `bun scripts/build.ts --outfile /tmp/ot3c` while src/ keeps changing).
  if (process.env.OT3C_BIN) return (cached = [process.env.OT3C_BIN]);
  if (binaryIsCurrent()) {
    const r = Bun.spawnSync([BIN, "exec", "--help"], { stdout: "ignore", stderr: "ignore" });
    if (r.exitCode === 0) return (cached = [BIN]);
  }
  return (cached = [process.execPath, join(ROOT, "src/main.ts")]);
}

export interface Proc {
  proc: ReturnType<typeof Bun.spawn>;
  out: string[];
  err: string[];
  /** Resolves with the first stdout line matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
}

export function spawnOt3c(args: string[], env: Record<string, string> = {}): Proc {
  const proc = Bun.spawn([...ot3cCommand(), ...args], { stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1", ...env } });
  const out: string[] = [];
  const err: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (l: string) => void }> = [];
  const pump = async (stream: ReadableStream<Uint8Array>, sink: string[]) => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of stream) {
      buf += dec.decode(chunk);
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        sink.push(line);
        for (const w of [...waiters]) if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  };
  void pump(proc.stdout as ReadableStream<Uint8Array>, out);
  void pump(proc.stderr as ReadableStream<Uint8Array>, err);
  return {
    proc,
    out,
    err,
    waitFor(re, timeoutMs = 15_000) {
      const seen = [...out, ...err].find((l) => re.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timeout waiting for ${re}; stdout:\n${out.join("\n")}\nstderr:\n${err.join("\n")}`)), timeoutMs);
        waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)) });
        void proc.exited.then((code) => {
          clearTimeout(t);
          setTimeout(() => reject(new Error(`ot3c exited (${code}) before ${re}; stdout:\n${out.join("\n")}\nstderr:\n${err.join("\n")}`)), 50);
        });
      });
    },
  };
}
