import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "ot3c-install-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in binary for install.sh: the real CLI from source, behind a shell wrapper. */
function fakeBinary(): string {
  const bin = join(dir, "ot3c-src");
  writeFileSync(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, "src/main.ts"))} "$@"\n`);
  chmodSync(bin, 0o755);
  return bin;
}

function install(destdir: string, ...args: string[]) {
  return Bun.spawnSync(["sh", join(ROOT, "scripts/install.sh"), ...args], { env: { ...process.env, DESTDIR: destdir }, stdout: "pipe", stderr: "pipe" });
}

describe("scripts/install.sh", () => {
  test("installs binary, unit and example config into DESTDIR; idempotent; keeps an edited config", () => {
    const dest = join(dir, "root");
    const bin = fakeBinary();
    const r1 = install(dest, "--binary", bin, "--prefix", "/opt/ot3c");
    expect(r1.exitCode).toBe(0);
    expect(statSync(join(dest, "opt/ot3c/bin/ot3c")).mode & 0o777).toBe(0o755);
    const unit = readFileSync(join(dest, "etc/systemd/system/ot3c.service"), "utf8");
    expect(unit).toContain("ExecStart=/opt/ot3c/bin/ot3c --daemon");
    expect(unit).toContain("Type=notify");
    expect(unit).toContain("RestartPreventExitStatus=78");
    expect(unit).toContain("ExecReload=/bin/kill -HUP $MAINPID");
    const conf = join(dest, "etc/ot3c/ot3c.yaml");
    expect(readFileSync(conf, "utf8")).toContain("target-budget");
    // The group of the unit's user may use the control socket (README: usermod -aG ot3c NAME).
    expect(readFileSync(conf, "utf8")).toMatch(/^socket-group: ot3c$/m);
    expect(statSync(conf).mode & 0o777).toBe(0o640);

    writeFileSync(conf, "# edited by the operator\n");
    const r2 = install(dest, "--binary", bin, "--prefix", "/opt/ot3c");
    expect(r2.exitCode).toBe(0);
    expect(r2.stdout.toString()).toContain("kept existing");
    expect(readFileSync(conf, "utf8")).toBe("# edited by the operator\n");
  });

  test("systemd-analyze verify accepts the unit (when systemd-analyze is installed)", () => {
    const analyze = Bun.which("systemd-analyze");
    if (!analyze) return;
    const bin = fakeBinary();
    const unit = join(dir, "ot3c.service");
    writeFileSync(unit, readFileSync(join(ROOT, "scripts/ot3c.service"), "utf8").replaceAll("/usr/local/bin/ot3c", bin));
    const r = Bun.spawnSync([analyze, "verify", unit], { stdout: "pipe", stderr: "pipe" });
    expect(r.stderr.toString() + r.stdout.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });

  test("refuses without a binary and on unknown flags", () => {
    expect(install(join(dir, "x"), "--binary", join(dir, "missing")).exitCode).toBe(1);
    expect(install(join(dir, "x"), "--bogus").exitCode).toBe(2);
  });

  test("the unit keeps comments on their own lines and has the hardening of reference §4", () => {
    const unit = readFileSync(join(ROOT, "scripts/ot3c.service"), "utf8");
    for (const line of unit.split("\n")) if (line.includes("#")) expect(line.trimStart().startsWith("#")).toBe(true);
    for (const k of ["User=ot3c", "Group=ot3c", "StateDirectoryMode=0750", "RemoveIPC=yes", "StateDirectory=ot3c", "ConfigurationDirectory=ot3c", "ProtectSystem=strict", "NoNewPrivileges=yes", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6", "WatchdogSec=", "LoadCredential="]) {
      expect(unit).toContain(k);
    }
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
    // DynamicUser= would put the state (and the socket) under /var/lib/private (0700): unreachable for operators.
    expect(unit).not.toMatch(/^DynamicUser=yes/m);
  });
});
