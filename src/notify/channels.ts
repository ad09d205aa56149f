/**
 * Delivery channels: SMTP (nodemailer) to the resource owner, and a webhook that receives JSON with a
 * Slack-compatible `text` field (plus the structured event for other receivers).
 */
import type { NotifyConfig, SmtpConfig } from "../config/types.ts";
import { redactThenCut } from "../util/redact.ts";
import type { Message } from "./message.ts";

export interface Delivery {
  readonly name: "smtp" | "webhook";
  send(to: string | undefined, message: Message, event: Record<string, unknown>): Promise<void>;
  close?(): void;
}

export async function smtpChannel(cfg: SmtpConfig): Promise<Delivery> {
  const nodemailer = await import("nodemailer");
  const transport = nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    ...(cfg.user ? { auth: { user: cfg.user, pass: cfg.password ?? "" } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    name: "smtp",
    async send(to, message) {
      if (!to) throw new Error("no recipient: the resource has no ot3c_owner tag and notify.default-owner is not set");
      await transport.sendMail({ from: cfg.from, to, subject: message.subject, text: message.text });
    },
    close: () => transport.close(),
  };
}

export function webhookChannel(cfg: NonNullable<NotifyConfig["webhook"]>): Delivery {
  return {
    name: "webhook",
    async send(_to, message, event) {
      const res = await fetch(cfg.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(cfg.headers ?? {}) },
        body: JSON.stringify({ text: `*${message.subject}*\n${message.text}`, ...event }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) {
        const body = redactThenCut(await res.text().catch(() => ""), 200);
        throw new Error(`webhook answered ${res.status}${body ? `: ${body}` : ""}`);
      }
      await res.body?.cancel().catch(() => {});
    },
  };
}
