/**
 * One signed `HttpClient` per OTC service, all sharing the AK/SK signer. Service clients carry `X-Project-Id`
 * (as the OTC SDKs do for AK/SK requests), so they are built once the project id is known — configured, or
 * resolved by name through IAM.
 */
import type { OtcCredentials, OtcEndpoints } from "../../config/types.ts";
import { HttpClient, HttpError } from "../http.ts";
import { redact, registerSecret } from "../../util/redact.ts";
import { createSigner, type HeaderSelection } from "./signer.ts";

export type OtcService = "iam" | keyof Omit<OtcEndpoints, "iam">;

export interface OtcClientOptions {
  timeoutMs?: number;
  retries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Clock for `X-Sdk-Date`. */
  now?: () => number;
  signedHeaders?: HeaderSelection;
}

const SERVICE_NAMES: Record<OtcService, string> = { iam: "IAM", ecs: "ECS", evs: "EVS", cce: "CCE", rds: "RDS" };

export function serviceLabel(service: OtcService): string {
  return `otc.${service}`;
}

export function createServiceClient(
  otc: OtcCredentials,
  service: OtcService,
  projectId: string | undefined,
  opts: OtcClientOptions = {},
): HttpClient {
  registerSecret(otc.secretKey);
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: "application/json" };
  if (projectId && service !== "iam") headers["X-Project-Id"] = projectId;
  // HttpClient spreads its options over the defaults, so an explicit `undefined` would erase a default.
  const tuning = Object.fromEntries(
    Object.entries({
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      backoffBaseMs: opts.backoffBaseMs,
      backoffMaxMs: opts.backoffMaxMs,
      sleep: opts.sleep,
      random: opts.random,
    }).filter(([, v]) => v !== undefined),
  );
  return new HttpClient({
    ...tuning,
    endpoint: serviceLabel(service),
    baseURL: otc.endpoints[service],
    headers,
    sign: createSigner({ accessKey: otc.accessKey, secretKey: otc.secretKey, now: opts.now, headers: opts.signedHeaders }),
  });
}

/**
 * Re-throws HTTP errors with the service and its base URL in front, and a hint for authentication failures, so
 * an operator reading `verify` knows which endpoint refused and why. The secret key never appears: messages pass
 * through `redact`, and we never put it there in the first place.
 */
export async function inService<T>(service: OtcService, baseURL: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    const name = `OTC ${SERVICE_NAMES[service]} (${baseURL})`;
    let hint = "";
    if (err.status === 401) hint = " — the signature or access key was rejected: check otccreds.accesskey / otccreds.secretkey and the clock";
    else if (err.status === 403) hint = " — the credentials lack permission for this project or service";
    const inner = err.message.replace(/^[\w.]+: /, "");
    throw new HttpError(redact(`${name}: ${what} failed: ${inner}${hint}`), err.endpoint, err.status, err.code, err.retryable);
  }
}
