/** Options every command accepts (set on the root program, read with `globalsOf`). */
import type { Command } from "commander";

export interface GlobalOptions {
  config?: string;
  stateDir?: string;
  logLevel?: "debug" | "info" | "warn" | "error";
  /** false when --no-color was given. */
  color: boolean;
}

export function globalsOf(cmd: Command): GlobalOptions {
  let root: Command = cmd;
  while (root.parent) root = root.parent;
  const o = root.opts();
  return { config: o.config, stateDir: o.stateDir, logLevel: o.logLevel, color: o.color !== false };
}
