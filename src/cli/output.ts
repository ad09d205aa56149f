/**
 * `--output text|json|yaml` for every listing command. JSON and YAML print the same documented object; text is
 * the command's own renderer. Nothing here imports a heavy module.
 */
import { Option } from "commander";

export type OutputFormat = "text" | "json" | "yaml";

export function outputOption(): Option {
  return new Option("--output <format>", "output format").choices(["text", "json", "yaml"]).default("text");
}

export async function printOutput(format: OutputFormat, data: unknown, text: () => string): Promise<void> {
  if (format === "json") {
    process.stdout.write(JSON.stringify(data, null, 2) + "\n");
  } else if (format === "yaml") {
    const { stringify } = await import("yaml");
    process.stdout.write(stringify(data));
  } else {
    const out = text();
    process.stdout.write(out.endsWith("\n") ? out : out + "\n");
  }
}
