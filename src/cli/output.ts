/**
 * `--output text|json|yaml` for every listing command. JSON and YAML print the same documented object; text is
 * the command's own renderer. Nothing here imports a heavy module.
 *
 * Every format is safe to print on a terminal whatever a cloud put into tags and names (src/util/terminal-safe.ts):
 * text has every control but our own line breaks shown escaped; JSON and YAML escape them inside their strings, so
 * a parser reads exactly the same data.
 */
import { Option } from "commander";
import { hasUnsafe, jsonTerminalSafe, terminalSafeText } from "../util/terminal-safe.ts";

export type OutputFormat = "text" | "json" | "yaml";

export function outputOption(): Option {
  return new Option("--output <format>", "output format").choices(["text", "json", "yaml"]).default("text");
}

export async function printOutput(format: OutputFormat, data: unknown, text: () => string): Promise<void> {
  process.stdout.write(await formatOutput(format, data, text));
}

export async function formatOutput(format: OutputFormat, data: unknown, text: () => string): Promise<string> {
  if (format === "json") return jsonTerminalSafe(JSON.stringify(data, null, 2)) + "\n";
  if (format === "yaml") return yamlTerminalSafe(data);
  const out = terminalSafeText(text());
  return out.endsWith("\n") ? out : out + "\n";
}

/**
 * YAML whose strings carry no raw control or bidi character: the `yaml` library escapes C0 controls but prints C1
 * and bidi controls raw (even in plain scalars). Such strings are written double-quoted, where `\uXXXX` is an
 * escape that reads back as the same character.
 */
async function yamlTerminalSafe(data: unknown): Promise<string> {
  const { Document, isScalar, visit } = await import("yaml");
  const doc = new Document(data);
  let touched = false;
  visit(doc, {
    Scalar(_, node) {
      if (isScalar(node) && typeof node.value === "string" && hasUnsafe(node.value)) {
        node.type = "QUOTE_DOUBLE";
        touched = true;
      }
    },
  });
  const text = doc.toString();
  return touched ? jsonTerminalSafe(text) : text;
}
