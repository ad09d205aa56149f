/**
 * Fault injection for the simulators: a per-run profile (rate + kinds) decides, request by request and from a
 * seeded generator, whether to answer with a 5xx, a 429 with Retry-After, a slow response, or a truncated body —
 * and, for mutations, whether the call is accepted and then answered with a gateway 502 or a connection reset
 * (`accept-502`, `accept-reset`), which is what makes an outcome ambiguous in the real cloud.
 * Clients must survive all of them: retry what is retryable, never take a cut-off body as complete data, never
 * send a mutation twice, and show a degraded state instead of crashing.
 */
import type { FaultProfile } from "./world.ts";
import { mulberry32 } from "../util/random.ts";

export type FaultKind = FaultProfile["kinds"][number];

export const NO_FAULTS: FaultProfile = { rate: 0, kinds: [], retryAfterSeconds: 1, slowMs: 0, seed: 1 };

/** Named profiles for `ot3c sim --faults`; a bare number is a rate with every kind. */
export function parseFaultProfile(spec: string | undefined, seed = 1): FaultProfile {
  // Named profiles include the faults a real gateway has on mutations: the answer lost after the call was accepted.
  const all: FaultKind[] = ["5xx", "429", "slow", "truncate", "accept-502", "accept-reset"];
  if (!spec || spec === "none") return { ...NO_FAULTS, seed };
  if (spec === "light") return { rate: 0.05, kinds: all, retryAfterSeconds: 1, slowMs: 300, seed };
  if (spec === "heavy") return { rate: 0.3, kinds: all, retryAfterSeconds: 1, slowMs: 800, seed };
  const rate = Number(spec);
  if (Number.isFinite(rate) && rate >= 0 && rate <= 1) return { rate, kinds: all, retryAfterSeconds: 1, slowMs: 300, seed };
  throw new Error(`unknown fault profile "${spec}" (none, light, heavy, or a rate between 0 and 1)`);
}

/** Seeded so a fault sequence can be replayed. */
export const seededRandom = mulberry32;

export interface FaultDecision {
  /** A complete response to send instead of the real one (5xx, 429). */
  response?: Response;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Cut the real body short (the route decides how: mid-line for NDJSON, mid-object for JSON). */
  truncate?: boolean;
  /** After the mutation was processed and accepted: answer 502 from the "gateway", or reset the connection. */
  afterAccept?: "502" | "reset";
}

/**
 * A connection dropped after the request was processed, before a byte of the answer: Bun.serve closes the socket
 * when the body stream errors before it starts (the client sees ECONNRESET).
 */
export function connectionReset(): Response {
  return new Response(new ReadableStream({ start: (c) => c.error(undefined) }));
}

export class FaultInjector {
  private random: () => number;
  /** Counts per kind, for tests and the demo's status line. */
  readonly injected: Record<FaultKind, number> = { "5xx": 0, "429": 0, slow: 0, truncate: 0, "accept-502": 0, "accept-reset": 0 };

  constructor(private profile: FaultProfile) {
    this.random = seededRandom(profile.seed);
  }

  /** Replace the profile at run time (e.g. "faults stop" in the convergence test). */
  setProfile(profile: FaultProfile): void {
    this.profile = profile;
  }

  get rate(): number {
    return this.profile.rate;
  }

  /**
   * Decide the fault for one request. Mutating requests get 5xx/429 before any effect happens, or — with the
   * `accept-*` kinds — their effect and then a 502 or a reset. GETs never get the `accept-*` kinds.
   */
  decide(req: Request): FaultDecision {
    const p = this.profile;
    if (p.rate <= 0 || p.kinds.length === 0 || this.random() >= p.rate) return {};
    let kinds = p.kinds;
    if (req.method !== "GET") kinds = kinds.filter((k) => k === "5xx" || k === "429" || k === "accept-502" || k === "accept-reset");
    else kinds = kinds.filter((k) => k !== "accept-502" && k !== "accept-reset");
    if (kinds.length === 0) return {};
    const kind = kinds[Math.floor(this.random() * kinds.length)]!;
    this.injected[kind]++;
    switch (kind) {
      case "5xx":
        return {
          response: Response.json(
            { error: { code: "SIM.0500", message: "simulated internal error" } },
            { status: this.random() < 0.5 ? 500 : 503 },
          ),
        };
      case "429":
        return {
          response: Response.json(
            { error: { code: "SIM.0429", message: "simulated rate limit" } },
            { status: 429, headers: { "Retry-After": String(p.retryAfterSeconds) } },
          ),
        };
      case "slow":
        return { delayMs: p.slowMs };
      case "truncate":
        return { truncate: true };
      case "accept-502":
        return { afterAccept: "502" };
      case "accept-reset":
        return { afterAccept: "reset" };
    }
  }

  /**
   * Wraps a route: applies 5xx/429/slow, and for "truncate" cuts the text body roughly in half (a real cut-off
   * connection: the bytes stop mid-record). Routes that stream NDJSON may instead honour `decision.truncate`
   * themselves.
   */
  async apply(req: Request, handler: (decision: FaultDecision) => Promise<Response | undefined>): Promise<Response | undefined> {
    const decision = this.decide(req);
    if (decision.delayMs) await Bun.sleep(decision.delayMs);
    if (decision.response) return decision.response;
    const res = await handler(decision);
    if (res && decision.afterAccept && res.ok) {
      await res.body?.cancel().catch(() => {});
      if (decision.afterAccept === "reset") return connectionReset();
      return Response.json({ error_code: "APIGW.0502", error_msg: "Bad Gateway: upstream answer lost" }, { status: 502 });
    }
    if (!res || !decision.truncate || !res.body) return res;
    const text = await res.text();
    const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    return new Response(cut, { status: res.status, headers });
  }
}
