/**
 * Can owners be told? With neither SMTP nor a webhook configured nobody hears about a planned termination, and
 * nothing said so. `verify`, `config check`, the engine's start line and the TUI show `warning`; an engine that
 * would delete on its own (`enforce: true`, `approval: none`) with no channel at all refuses to start (`refusal`)
 * unless `notify: {none: true}` says that silence is intended.
 */
import type { Config } from "../config/types.ts";

export interface OwnerReach {
  /** Names of the configured channels. */
  channels: string[];
  /** Set when owners cannot be told (or only some of them). */
  warning?: string;
  /** Set when the engine must not start. */
  refusal?: string;
}

export function ownerReach(cfg: Pick<Config, "enforce" | "approval" | "notify">): OwnerReach {
  const n = cfg.notify;
  const channels = [...(n.smtp ? ["smtp"] : []), ...(n.webhook ? ["webhook"] : [])];
  if (channels.length === 0) {
    if (n.none) return { channels };
    const warning = "owners cannot be told: no notify.smtp and no notify.webhook (set notify: {none: true} if that is intended)";
    if (cfg.enforce && cfg.approval === "none") {
      return {
        channels,
        warning,
        refusal:
          "refusing to start: enforce: true with approval: none and no notification channel would stop and delete resources " +
          "without telling anyone. Configure notify.smtp or notify.webhook, or set notify: {none: true} to say it is intended.",
      };
    }
    return { channels, warning };
  }
  if (n.smtp && !n.webhook && !n.defaultOwner) {
    return { channels, warning: "only owners with an ot3c_owner tag get mail: notify.default-owner is not set" };
  }
  return { channels };
}
