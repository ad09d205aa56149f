/**
 * Open Telekom Cloud service endpoints derived from the region, each overridable under `otccreds.endpoints`
 * (tests and `ot3c sim` point them at 127.0.0.1). Public endpoints follow `https://<service>.<region>.otc.t-systems.com`;
 * IAM is addressed with its `/v3` API root, as the seed's `identityendpoint` is.
 */
import type { OtcEndpoints } from "./types.ts";

export function deriveOtcEndpoints(region: string, overrides: Partial<OtcEndpoints> = {}): OtcEndpoints {
  const base = (svc: string) => `https://${svc}.${region}.otc.t-systems.com`;
  const strip = (u: string | undefined) => u?.replace(/\/+$/, "");
  return {
    iam: strip(overrides.iam) ?? `${base("iam")}/v3`,
    ecs: strip(overrides.ecs) ?? base("ecs"),
    evs: strip(overrides.evs) ?? base("evs"),
    cce: strip(overrides.cce) ?? base("cce"),
    rds: strip(overrides.rds) ?? base("rds"),
  };
}
