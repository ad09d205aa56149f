/**
 * `ot3c notify test`: one test message through every configured channel, each reported on its own, so an
 * operator knows before the first real termination whether owners will hear about it.
 */
import type { NotifyConfig } from "../config/types.ts";
import { redact } from "../util/redact.ts";
import { smtpChannel, webhookChannel, type Delivery } from "./channels.ts";

export interface ChannelResult {
  channel: "smtp" | "webhook";
  ok: boolean;
  /** Recipient (smtp) or URL (webhook, without query). */
  target: string;
  detail: string;
}

export async function sendTestNotification(cfg: NotifyConfig, o: { to?: string; project: string; now: number }): Promise<ChannelResult[]> {
  const results: ChannelResult[] = [];
  const message = {
    subject: `[ot3c] test notification for ${o.project}`,
    text:
      `This is a test message from ot3c (project ${o.project}), sent by \`ot3c notify test\` at ${new Date(o.now).toISOString()}.\n` +
      "Owners get messages like this when a termination is planned, approaching, done or failed.",
  };
  const event = { event: "test", project: o.project, at: new Date(o.now).toISOString() };
  const channels: Array<{ d: () => Promise<Delivery>; name: "smtp" | "webhook"; target: string; to?: string }> = [];
  if (cfg.smtp) channels.push({ d: () => smtpChannel(cfg.smtp!), name: "smtp", target: o.to ?? cfg.defaultOwner ?? "(nobody)", to: o.to ?? cfg.defaultOwner });
  if (cfg.webhook) channels.push({ d: async () => webhookChannel(cfg.webhook!), name: "webhook", target: cfg.webhook.url.replace(/[?#].*$/, "") });
  for (const c of channels) {
    let delivery: Delivery | undefined;
    try {
      if (c.name === "smtp" && !c.to) throw new Error("no recipient: give --to ADDRESS or set notify.default-owner");
      delivery = await c.d();
      await delivery.send(c.to, message, event);
      results.push({ channel: c.name, ok: true, target: c.target, detail: "sent" });
    } catch (err) {
      results.push({ channel: c.name, ok: false, target: c.target, detail: redact((err as Error).message ?? String(err)) });
    } finally {
      delivery?.close?.();
    }
  }
  return results;
}
