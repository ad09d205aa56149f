/**
 * Regenerates docs/keys.md from the key table: `bun src/tui/keys-doc.ts --write`, or `--check` to fail (exit 1)
 * when the committed file is stale.
 */
import { keysMarkdown } from "./keys.ts";

export const KEYS_DOC_PATH = new URL("../../docs/keys.md", import.meta.url).pathname;

if (import.meta.main) {
  const fresh = keysMarkdown();
  if (process.argv.includes("--write")) {
    await Bun.write(KEYS_DOC_PATH, fresh);
    process.stdout.write(`wrote ${KEYS_DOC_PATH}\n`);
  } else {
    const file = Bun.file(KEYS_DOC_PATH);
    const current = (await file.exists()) ? await file.text() : "";
    if (current !== fresh) {
      process.stderr.write(`${KEYS_DOC_PATH} is stale: run bun src/tui/keys-doc.ts --write\n`);
      process.exitCode = 1;
    }
  }
}
