/**
 * Output conventions for every command (docs/output.md "Flags"):
 *
 * - `-o, --output text|json|yaml` is the *format*, everywhere. JSON and YAML print the same documented object
 *   (each with a `version` field); text is the command's own renderer.
 * - A file is always `--out FILE` (long form only; `-` = stdout). `-o FILE`, the old spelling on the file-writing
 *   commands, is refused as a usage error that names the new flag.
 *
 * Nothing here imports a heavy module.
 */
import { InvalidArgumentError, Option, type Command } from "commander";

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
  data = versioned(data);
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
