/**
 * OTC service endpoints. Each service lives on its own host, `https://{service}.{region}.otc.t-systems.com`
 * (the Swiss region eu-ch2 uses the `sc.otc.t-systems.com` domain and `iam-pub` for IAM); every one can be
 * overridden under `otccreds.endpoints` (tests and `ot3c sim` point them all at one local port).
 *
 * `iam` is the identity endpoint as configured, normally ending in `/v3` (the seed's `identityendpoint`); the IAM
 * client accepts it with or without that suffix.
 */
import type { OtcEndpoints } from "../../config/types.ts";

export const OTC_SERVICES = ["ecs", "evs", "cce", "rds"] as const;

export interface EndpointOverrides extends Partial<OtcEndpoints> {
  /** `otccreds.identityendpoint`; used for IAM unless `iam` itself is overridden. */
  identityEndpoint?: string;
}

function domainFor(region: string): string {
  return region === "eu-ch2" ? `${region}.sc.otc.t-systems.com` : `${region}.otc.t-systems.com`;
}

function clean(url: string): string {
  return url.trim().replace(/\/+$/, "");
}

export function defaultIdentityEndpoint(region: string): string {
  const host = region === "eu-ch2" ? `iam-pub.${domainFor(region)}` : `iam.${domainFor(region)}`;
  return `https://${host}/v3`;
}

/** Endpoints for a region, with any override (trailing slashes removed) taking precedence. */
export function deriveEndpoints(region: string, overrides: EndpointOverrides = {}): OtcEndpoints {
  const r = (region || "eu-de").trim();
  const domain = domainFor(r);
  const pick = (service: (typeof OTC_SERVICES)[number]) => clean(overrides[service] || `https://${service}.${domain}`);
  return {
    iam: clean(overrides.iam || overrides.identityEndpoint || defaultIdentityEndpoint(r)),
    ecs: pick("ecs"),
    evs: pick("evs"),
    cce: pick("cce"),
    rds: pick("rds"),
  };
}
