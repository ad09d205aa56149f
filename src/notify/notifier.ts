/**
 * Owner notification: turns engine events into mails and webhook posts, exactly once per (item, event, channel)
 * across restarts. The notifications table is claimed before sending and marked after; a send interrupted by a
 * crash is repeated on the next start (an owner may get a mail twice, never zero times). Failed sends are retried
 * with backoff, then given up and logged.
 */
import type { Clock } from "../engine/types.ts";
import type { EngineNotifier } from "../engine/engine.ts";
import type { NotifyConfig } from "../config/types.ts";
import type { Store, StoredPlanItem } from "../store/store.ts";
import { redact } from "../util/redact.ts";
import { alertMessage, itemMessage, type Message, type NotificationKind } from "./message.ts";
import { smtpChannel, webhookChannel, type Delivery } from "./channels.ts";
import { resolveOwner } from "./owners.ts";
import { digestMessage, digestSlot, ownerDigests } from "./digest.ts";

export interface NotifierOptions {
  store: Store;
  clock: Clock;
  config: NotifyConfig;
  project: string;
  currency?: string;
  approval?: "none" | "required";
  log?: (level: "debug" | "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) => void;
  /** Backoff between attempts (real time); default 30 s, 2 min, 10 min, 30 min. */
  retryDelaysMs?: number[];
}

export class Notifier implements EngineNotifier {
  private readonly sessionStart: number;
  private inFlight = new Set<Promise<void>>();
  /** Items whose unusable owner tag was already noted in this process. */
  private readonly noted = new Set<string>();
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  private constructor(
    private readonly opts: NotifierOptions,
    private readonly channels: Delivery[],
  ) {
    this.sessionStart = opts.clock.now();
  }

  static async create(opts: NotifierOptions): Promise<Notifier> {
    const channels: Delivery[] = [];
    if (opts.config.smtp) channels.push(await smtpChannel(opts.config.smtp));
    if (opts.config.webhook) channels.push(webhookChannel(opts.config.webhook));
    return new Notifier(opts, channels);
  }

  get channelNames(): string[] {
    return this.channels.map((c) => c.name);
  }

  /** The digest day whose digests were dispatched by this process (claims make them once per day across restarts). */
  private digestDone?: string;

  itemEvent(kind: NotificationKind, item: StoredPlanItem): void {
    // A postponed deadline deserves its own reminder.
    // A reminder, and a "planned" notice whose deadline moved (the closed loop can advance it), are per deadline.
    const key = kind === "reminder" || kind === "planned" ? `${item.id}:${kind}:${item.deadline}` : `${item.id}:${kind}`;
    const now = this.opts.clock.now();
    const message = itemMessage(kind, item, now, { project: this.opts.project, currency: this.opts.currency, approval: this.opts.approval });
    const event = {
      event: kind,
      item: { id: item.id, vrId: item.vrId, action: item.action, state: item.state, deadline: new Date(item.deadline).toISOString(), tsave: item.tsave, owner: item.owner ?? null, dryRun: item.dryRun, error: item.error ?? null },
    };
    // With the daily digest, owner mail carries only the reminders; the rest waits for the digest (digest.ts).
    const skip = this.opts.config.digest === "daily" && kind !== "reminder" ? "smtp" : undefined;
    this.dispatch(key, item.id, kind, this.recipientOf(item), message, event, skip);
  }

  /** `notify.digest: daily`: once the day's digest time has passed, one mail per owner (claimed per day and address). */
  tick(now: number): void {
    const { config, store } = this.opts;
    if (config.digest !== "daily" || this.closed) return;
    const smtp = this.channels.find((c) => c.name === "smtp");
    if (!smtp) return;
    const slot = digestSlot(now, config.digestAt ?? "08:00");
    if (now < slot.dueAt || this.digestDone === slot.day) return;
    this.digestDone = slot.day;
    for (const d of ownerDigests(store.listItems(), slot.dueAt, (item) => this.recipientOf(item))) {
      const key = `digest:${slot.day}:${d.to}:smtp`;
      if (!store.claimNotification(key, "-", "digest", "smtp", now, this.sessionStart)) continue;
      const message = digestMessage(d, now, { project: this.opts.project, day: slot.day, currency: this.opts.currency });
      this.attempt(smtp, key, d.to, message, { event: "digest", day: slot.day, items: [...d.open, ...d.ended].map((i) => i.id) }, 0);
    }
  }

  /** The one address the item's ot3c_owner resolves to (see owners.ts); an unusable tag is noted once per item. */
  private recipientOf(item: StoredPlanItem): string | undefined {
    const { config } = this.opts;
    const owner = resolveOwner(item.owner, { owners: config.owners, ownerDomain: config.ownerDomain, defaultOwner: config.defaultOwner });
    if (owner.note && !this.noted.has(item.id)) {
      this.noted.add(item.id);
      const detail = `${owner.note}; ${owner.to ? `notifying notify.default-owner ${owner.to}` : "no notify.default-owner, nobody is mailed"}`;
      this.opts.log?.("warn", `owner of ${item.vrId}: ${detail}`, { item: item.id });
      this.opts.store.audit({ at: this.opts.clock.now(), actor: "ot3c", source: "engine", action: "notify.owner-unusable", itemId: item.id, vrId: item.vrId, detail });
    }
    return owner.to;
  }

  alert(message: string, key: string): void {
    this.dispatch(`alert:${key}`, "-", "alert", this.opts.config.defaultOwner, alertMessage(message, this.opts.project), { event: "alert", message });
  }

  private dispatch(baseKey: string, itemId: string, kind: string, to: string | undefined, message: Message, event: Record<string, unknown>, skip?: "smtp"): void {
    if (this.closed) return;
    for (const ch of this.channels) {
      if (ch.name === skip) continue;
      if (ch.name === "smtp" && !to) {
        this.opts.log?.("warn", `no mail for ${kind} of ${itemId}: no ot3c_owner tag and no notify.default-owner`);
        continue;
      }
      const key = `${baseKey}:${ch.name}`;
      if (!this.opts.store.claimNotification(key, itemId, kind, ch.name, this.opts.clock.now(), this.sessionStart)) continue;
      this.attempt(ch, key, to, message, event, 0);
    }
  }

  private attempt(ch: Delivery, key: string, to: string | undefined, message: Message, event: Record<string, unknown>, n: number): void {
    const p = ch
      .send(to, message, event)
      .then(() => {
        this.opts.store.finishNotification(key, { ok: true, at: this.opts.clock.now() });
        this.opts.log?.("info", `notified ${ch.name === "smtp" ? to : "webhook"}: ${message.subject}`);
      })
      .catch((err) => {
        const delays = this.opts.retryDelaysMs ?? [30_000, 120_000, 600_000, 1_800_000];
        const error = redact(String((err as Error)?.message ?? err));
        const giveUp = n >= delays.length || this.closed;
        this.opts.store.finishNotification(key, { ok: false, error, giveUp });
        this.opts.log?.(giveUp ? "error" : "warn", `${ch.name} notification failed${giveUp ? ", giving up" : ", will retry"}: ${error}`, { key });
        if (!giveUp) {
          const t = setTimeout(() => {
            this.timers.delete(t);
            if (this.closed) return;
            if (!this.opts.store.claimNotification(key, "-", "-", ch.name, this.opts.clock.now(), 0)) return;
            this.attempt(ch, key, to, message, event, n + 1);
          }, delays[n]);
          this.timers.add(t);
        }
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Waits for sends in flight (shutdown); pending retries are dropped and re-sent on the next start. */
  async flush(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    for (const c of this.channels) c.close?.();
  }
}
