/**
 * What every config-reading command does first: load the configuration named by the global options, let
 * `--log-level` win over `log-level:`, and apply that level to the process-wide logger.
 */
import type { GlobalOptions } from "../cli/globals.ts";
import { getLogger } from "../log/logger.ts";
import { loadConfig, type LoadConfigOptions } from "./load.ts";
import type { Config } from "./types.ts";

export async function loadConfigFromGlobals(g: GlobalOptions, extra: Partial<LoadConfigOptions> = {}): Promise<Config> {
  const config = await loadConfig({ path: g.config, stateDir: g.stateDir, ...extra });
  if (g.logLevel) config.logLevel = g.logLevel;
  (extra.logger ?? getLogger()).setLevel(config.logLevel);
  return config;
}
