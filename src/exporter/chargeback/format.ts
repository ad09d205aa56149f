/**
 * Exposition formats. OpenMetrics 1.0 (timestamps in *seconds*, `# EOF`) is what Prometheus asks for and what
 * promtool's backfill parses; Prometheus text 0.0.4 (timestamps in *milliseconds*) for everything else. v1 printed
 * seconds in the 0.0.4 format, which lands samples in 1970 — the unit follows the format here.
 */

export interface Sample {
  labels: Record<string, string>;
  /** Exact decimal text of the value (money is rendered from integer micros, never via float formatting). */
  value: string;
  /** Epoch ms. */
  timestampMs: number;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: "gauge";
  samples: Sample[];
}

export type ExpositionFormat = "openmetrics" | "text";

export const CONTENT_TYPES: Record<ExpositionFormat, string> = {
  openmetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8",
  text: "text/plain; version=0.0.4; charset=utf-8",
};

/** OpenMetrics when the Accept header asks for it (Prometheus does, with the highest q), else text 0.0.4. */
export function negotiate(accept: string | null | undefined): ExpositionFormat {
  return (accept ?? "").toLowerCase().includes("application/openmetrics-text") ? "openmetrics" : "text";
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

export function timestampText(ms: number, format: ExpositionFormat): string {
  if (format === "text") return String(Math.round(ms));
  const s = Math.floor(ms / 1000);
  const rest = ms - s * 1000;
  return rest === 0 ? String(s) : `${s}.${String(rest).padStart(3, "0")}`;
}

export function familyHeader(f: Pick<MetricFamily, "name" | "help" | "type">): string {
  return `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
}

export function sampleLine(name: string, s: Sample, format: ExpositionFormat): string {
  return `${name}${labelText(s.labels)} ${s.value} ${timestampText(s.timestampMs, format)}\n`;
}

export function render(families: MetricFamily[], format: ExpositionFormat): string {
  let out = "";
  for (const f of families) {
    out += familyHeader(f);
    for (const s of f.samples) out += sampleLine(f.name, s, format);
  }
  if (format === "openmetrics") out += "# EOF\n";
  return out;
}
