/**
 * Who is acting, for the audit log ("who, what, when, from where"). `sudo` keeps the real operator in SUDO_USER.
 * Bun's os.userInfo() answers "unknown" in some environments even when the passwd entry exists, so the uid is
 * looked up in /etc/passwd before giving up.
 */
import { readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";

function fromPasswd(uid: number): string | undefined {
  try {
    for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [name, , id] = line.split(":");
      if (name && Number(id) === uid) return name;
    }
  } catch {
    // no passwd file (containers): fall through
  }
  return undefined;
}

export function operatorName(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.SUDO_USER || env.USER || env.LOGNAME;
  if (fromEnv) return fromEnv;
  let info: { username?: string; uid?: number } = {};
  try {
    info = userInfo();
  } catch {
    // no passwd entry for the uid
  }
  if (info.username && info.username !== "unknown") return info.username;
  const uid = typeof info.uid === "number" && info.uid >= 0 ? info.uid : process.getuid?.();
  if (uid === undefined) return "operator";
  return fromPasswd(uid) ?? `uid-${uid}`;
}

/** `name@host`, as the CLI actions and the TUI record it. */
export function operatorIdentity(env: Record<string, string | undefined> = process.env): string {
  return `${operatorName(env)}@${hostname()}`;
}
