/**
 * `exec -f FILE`: the plan file as the engine's source of wanted terminations. The file is validated by
 * `parsePlan` (period, checksum, exact ids) every time it is read; it is re-read when it changes, noticed by
 * `fs.watch` on its directory (editors replace files by rename) and, because watches miss events on some
 * filesystems, by a periodic stat.
 */
import { readFileSync, statSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";
import { parsePlan } from "../engine/planner/plan-file.ts";
import type { BillingPeriod, PlannedTermination } from "../engine/types.ts";

export interface PlanFileSource {
  readonly path: string;
  load(ctx: { period: BillingPeriod; knownIds: string[] }): PlannedTermination[];
  watch(onChange: () => void): () => void;
}

function fingerprint(path: string): string {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return "missing";
  }
}

export function planFileSource(path: string, statIntervalMs = 5000): PlanFileSource {
  let cached: { fp: string; text: string } | undefined;
  const read = (): string => {
    const fp = fingerprint(path);
    if (!cached || cached.fp !== fp) {
      let text: string;
      try {
        text = readFileSync(path, "utf8");
      } catch (err) {
        throw new Error(`cannot read plan file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      cached = { fp, text };
    }
    return cached.text;
  };
  return {
    path,
    load(ctx) {
      return parsePlan(read(), { period: ctx.period, knownIds: ctx.knownIds }).items;
    },
    watch(onChange) {
      let last = fingerprint(path);
      const check = () => {
        const fp = fingerprint(path);
        if (fp !== last) {
          last = fp;
          onChange();
        }
      };
      let watcher: FSWatcher | undefined;
      try {
        watcher = watch(dirname(path), (_event, name) => {
          if (!name || name === basename(path)) check();
        });
      } catch {
        // no inotify (or the directory is gone): the stat timer below still notices changes
      }
      const timer = setInterval(check, statIntervalMs);
      return () => {
        watcher?.close();
        clearInterval(timer);
      };
    },
  };
}
