/**
 * Output conventions for every command (docs/output.md "Flags"):
 *
 * - `-o, --output text|json|yaml` is the *format*, everywhere. JSON and YAML print the same documented object
 *   (each with a `version` field); text is the command's own renderer.
 * - A file is always `--out FILE` (long form only; `-` = stdout). `-o FILE`, the old spelling on the file-writing
 *   commands, is refused as a usage error that names the new flag.
 * - Every format is safe to print on a terminal whatever a cloud put into tags and names (src/util/terminal-safe.ts):
 *   text has every control but our own line breaks shown escaped; JSON and YAML escape them inside their strings,
 *   so a parser reads exactly the same data.
 *
 * Nothing here imports a heavy module.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import { hasUnsafe, jsonTerminalSafe, terminalSafeText } from "../util/terminal-safe.ts";

export type OutputFormat = "text" | "json" | "yaml";

export function outputOption(): Option {
  return new Option("-o, --output <format>", "output format").choices(["text", "json", "yaml"]).default("text");
}

/**
 * `--out FILE` for commands that write a file, plus a hidden `-o` that explains the convention instead of
 * silently writing a file named "json".
 */
export function addOutFile(cmd: Command, description: string, defaultValue?: string): Command {
  // A command with a format option has its own `-o` (the format); `-o FILE` then fails as an invalid format.
  if (!cmd.options.some((o) => o.short === "-o")) cmd.addOption(
    new Option("-o <value>")
      .hideHelp()
      .argParser((v: string) => {
        throw new InvalidArgumentError(`-o is the output format (text|json|yaml) in ot3c; write a file with --out ${v}`);
      }),
    );
  return defaultValue === undefined ? cmd.option("--out <file>", description) : cmd.option("--out <file>", description, defaultValue);
}

/**
 * Every JSON/YAML document starts with `version` (docs/output.md): documents that do not carry their own get
 * version 1 here, so no command can print an unversioned shape.
 */
export function versioned(data: unknown): unknown {
  if (data && typeof data === "object" && !Array.isArray(data) && !("version" in data)) return { version: 1, ...data };
  return data;
}

export async function printOutput(format: OutputFormat, data: unknown, text: () => string): Promise<void> {
  process.stdout.write(await formatOutput(format, versioned(data), text));
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
