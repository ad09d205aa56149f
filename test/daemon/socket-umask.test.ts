/**
 * The control socket is born owner-only: under a permissive process umask (0) the socket file is 0600 the moment
 * it exists — not 0777 until a later chmod, a window in which another local user could connect and read the
 * snapshot or approve deletions.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listenOwnerOnly } from "../../src/daemon/socket-server.ts";

const dir = mkdtempSync(join(tmpdir(), "ot3c-umask-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a socket bound under umask 0 is 0600 at creation, and the process umask is restored", async () => {
  const before = process.umask(0);
  try {
    // What a plain listen does under this umask: world-connectable until someone chmods it.
    const plain = createServer();
    await new Promise<void>((r) => plain.listen(join(dir, "plain.sock"), () => r()));
    const plainMode = statSync(join(dir, "plain.sock")).mode & 0o777;
    plain.close();
    expect(plainMode & 0o077).not.toBe(0);

    const server = createServer();
    await listenOwnerOnly(server, join(dir, "ot3c.sock"));
    // No chmod has run: this is the mode the socket was created with.
    expect(statSync(join(dir, "ot3c.sock")).mode & 0o777).toBe(0o600);
    expect(process.umask()).toBe(0);
    server.close();
  } finally {
    process.umask(before);
  }
});
