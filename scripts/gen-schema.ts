/**
 * Writes ot3c.schema.json (for editors) and docs/configuration.md (the reference table) from the zod schema in
 * src/config/schema.ts. Run after changing the schema: `bun scripts/gen-schema.ts`. `--check` only compares and
 * exits 1 when a committed file is out of date (CI).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configJsonSchemaText, configMarkdownReference } from "../src/config/reference.ts";

const root = join(import.meta.dir, "..");
const outputs: Array<[string, string]> = [
  [join(root, "ot3c.schema.json"), configJsonSchemaText()],
  [join(root, "docs", "configuration.md"), configMarkdownReference()],
];
const check = process.argv.includes("--check");
let stale = 0;
for (const [path, text] of outputs) {
  let current: string | undefined;
  try {
    current = readFileSync(path, "utf8");
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) {
    console.error(`${path} is out of date; run: bun scripts/gen-schema.ts`);
    stale++;
  } else {
    writeFileSync(path, text);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale ? 1 : 0;
