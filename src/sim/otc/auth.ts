/**
 * The simulated API gateway's AK/SK check: every request must carry a valid `SDK-HMAC-SHA256` signature,
 * recomputed from the request exactly as received (its own Host header, path, the query string's bytes as sent,
 * and the body bytes — or `UNSIGNED-PAYLOAD` when the client declares it), dated within 15 minutes of now.
 */
import { MAX_CLOCK_SKEW_MS, verifySignature } from "../../providers/otc/signer.ts";
import { gatewayError, type SimContext } from "./common.ts";

export function checkSignature(ctx: SimContext, req: Request, url: URL, body: string): Response | undefined {
  const { accessKey, secretKey } = ctx.world.credentials;
  const result = verifySignature(
    { method: req.method, url, headers: req.headers, body },
    { secretFor: (ak) => (ak === accessKey ? secretKey : undefined), maxSkewMs: ctx.opts.maxSkewMs ?? MAX_CLOCK_SKEW_MS },
  );
  if (result.ok) return undefined;
  const host = req.headers.get("host") ?? url.host;
  if (result.reason === "unknown access key") {
    return gatewayError(401, "APIGW.0301", `Incorrect IAM authentication information: ak ${result.accessKey} not exist (host ${host})`);
  }
  return gatewayError(401, "APIGW.0301", `Incorrect IAM authentication information: verify aksk signature fail: ${result.reason} (host ${host})`);
}
