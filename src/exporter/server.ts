/**
 * The built-in metrics port (Bun.serve), shared by the engine metrics and the chargeback exporter.
 *
 *   GET /metrics              engine metrics: Prometheus text 0.0.4, or OpenMetrics when Accept asks for it
 *   GET /chargeback/metrics   chargeback series with the hour cursor (mounted when chargeback is configured)
 *   GET /healthz              alive (no dependencies)
 *   GET /readyz               config loaded, last sync succeeded and is fresh, state writable; else 503 + reasons
 *   GET /                     a small landing page
 *
 * Read-only: any other method is 405. A scrape renders the latest snapshot and never calls a cloud API.
 */
import type { EngineMetrics } from "./engine-metrics.ts";
import { wantsOpenMetrics } from "./negotiate.ts";

export const PROM_TEXT = "text/plain; version=0.0.4; charset=utf-8";
export const OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ChargebackEndpoint {
  render(req: Request): Promise<{ body: string; contentType: string }>;
}

export interface MetricsServerOptions {
  /** "host:port"; port 0 picks a free port (tests). */
  listen: string;
  metrics: EngineMetrics;
  readiness: () => ReadinessCheck[];
  chargeback?: ChargebackEndpoint;
  /** Shown on the landing page. */
  title?: string;
}

export interface MetricsServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export function parseListen(listen: string): { hostname: string; port: number } {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(listen.trim());
  if (!m) throw new Error(`metrics.listen must be host:port, got "${listen}"`);
  return { hostname: m[1] || "127.0.0.1", port: Number(m[2]) };
}

function landingPage(title: string, chargeback: boolean): string {
  const links = [
    `<li><a href="/metrics">/metrics</a> — engine metrics</li>`,
    chargeback ? `<li><a href="/chargeback/metrics">/chargeback/metrics</a> — chargeback series (hour cursor)</li>` : "",
    `<li><a href="/healthz">/healthz</a> — liveness</li>`,
    `<li><a href="/readyz">/readyz</a> — readiness</li>`,
  ].join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>
<h1>${title}</h1><ul>
${links}
</ul></body></html>
`;
}

export function startMetricsServer(opts: MetricsServerOptions): MetricsServer {
  const { hostname, port } = parseListen(opts.listen);
  const title = opts.title ?? "ot3c";
  const server = Bun.serve({
    hostname,
    port,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method !== "GET" && req.method !== "HEAD") {
        return new Response("method not allowed: this port is read-only\n", { status: 405, headers: { Allow: "GET, HEAD" } });
      }
      switch (url.pathname) {
        case "/metrics": {
          const om = wantsOpenMetrics(req.headers.get("accept"));
          const body = await opts.metrics.render(om);
          return new Response(body, { headers: { "Content-Type": om ? OPENMETRICS : PROM_TEXT } });
        }
        case "/chargeback/metrics": {
          if (!opts.chargeback) return new Response("chargeback is not configured\n", { status: 404 });
          const { body, contentType } = await opts.chargeback.render(req);
          return new Response(body, { headers: { "Content-Type": contentType } });
        }
        case "/healthz":
          return new Response("ok\n", { headers: { "Content-Type": "text/plain" } });
        case "/readyz": {
          const checks = opts.readiness();
          const failing = checks.filter((c) => !c.ok);
          const text = checks.map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}`).join("\n") + "\n";
          return new Response(text, { status: failing.length ? 503 : 200, headers: { "Content-Type": "text/plain" } });
        }
        case "/":
          return new Response(landingPage(title, !!opts.chargeback), { headers: { "Content-Type": "text/html; charset=utf-8" } });
        default:
          return new Response("not found\n", { status: 404 });
      }
    },
  });
  return {
    url: `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.port}`,
    port: server.port!,
    stop: async () => {
      await server.stop(true);
    },
  };
}
