/**
 * `state:` in ot3c.yaml (src/config): sqlite by default, or a postgres:// URL whose password may come from the
 * URL, state-password(-file), $OT3C_STATE_PASSWORD or $PGPASSWORD — and is registered as a secret wherever it
 * came from, so no log line or output carries it. A bad value is refused without echoing it.
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { clearSecrets, redact } from "../../src/util/redact.ts";
import { storeTargetOf } from "../../src/store/driver/index.ts";
import { cleanupTempDirs, issueFor, load, VALID, withConfig } from "../config/helpers.ts";

afterAll(cleanupTempDirs);
afterEach(clearSecrets);

describe("state: (config)", () => {
  test("default sqlite: the state directory's file", async () => {
    const cfg = await load(withConfig(VALID));
    expect(cfg.state).toBeUndefined();
    expect(storeTargetOf(cfg)).toBeUndefined();
  });

  test("a password in the URL is used and redacted everywhere", async () => {
    const cfg = await load(withConfig(`${VALID}\nstate: postgres://ot3c:Pw-in-url-81@db.example:5432/ot3c`));
    expect(cfg.state).toEqual({ kind: "postgres", url: "postgres://ot3c:Pw-in-url-81@db.example:5432/ot3c", password: "Pw-in-url-81" });
    expect(redact(`connecting to ${cfg.state!.kind === "postgres" ? cfg.state!.url : ""}`)).not.toContain("Pw-in-url-81");
  });

  test("state-password-file, $OT3C_STATE_PASSWORD (wins over the file) and $PGPASSWORD (when nothing else names one)", async () => {
    const dir = withConfig(`${VALID}\nstate: postgresql://ot3c@db/ot3c\nstate-password-file: pg-pw`);
    writeFileSync(join(dir, "pg-pw"), "From-file-22\n");
    const fromFile = await load(dir);
    expect(storeTargetOf(fromFile)).toEqual({ kind: "postgres", url: "postgresql://ot3c@db/ot3c", password: "From-file-22" });
    expect(redact("x From-file-22 y")).toBe("x *** y");
    const fromEnv = await load(dir, { env: { OT3C_STATE_PASSWORD: "From-env-33" } });
    expect(storeTargetOf(fromEnv)?.kind === "postgres" && (storeTargetOf(fromEnv) as { password?: string }).password).toBe("From-env-33");
    const pg = await load(withConfig(`${VALID}\nstate: postgres://ot3c@db/ot3c`), { env: { PGPASSWORD: "From-pgpassword-44" } });
    expect((storeTargetOf(pg) as { password?: string }).password).toBe("From-pgpassword-44");
    expect(redact("From-pgpassword-44")).toBe("***");
  });

  test("anything else is refused, without echoing the value", async () => {
    const msg = await issueFor(`${VALID}\nstate: mysql://root:Secret-55@db/x`, "state");
    expect(msg).toContain('"sqlite" or a postgres:// URL');
    expect(msg).not.toContain("Secret-55");
  });
});
