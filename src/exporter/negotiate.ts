/**
 * Content negotiation for the metrics port: serve OpenMetrics only when the scraper's Accept header lists
 * `application/openmetrics-text` with a quality above any `text/plain` entry (Prometheus sends both, preferring
 * OpenMetrics); everything else (browsers, curl) gets classic text 0.0.4.
 */
export function wantsOpenMetrics(accept: string | null | undefined): boolean {
  if (!accept) return false;
  let om = -1;
  let plain = -1;
  for (const part of accept.split(",")) {
    const [type, ...params] = part.trim().split(";").map((s) => s.trim());
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (type === "application/openmetrics-text") om = Math.max(om, Number.isFinite(q) ? q : 0);
    else if (type === "text/plain") plain = Math.max(plain, Number.isFinite(q) ? q : 0);
  }
  return om > 0 && om >= plain;
}
