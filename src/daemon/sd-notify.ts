/**
 * sd_notify(3) without libsystemd: datagrams of `KEY=value\n` lines to the AF_UNIX SOCK_DGRAM socket named by
 * `$NOTIFY_SOCKET` (`@` = abstract namespace). Neither Node nor Bun has unix datagram sockets, so this goes through
 * bun:ffi to libc `socket` + `sendto`; where that is unavailable (no glibc) it spawns `systemd-notify` instead
 * (which needs `NotifyAccess=all`). Everything is a no-op when `$NOTIFY_SOCKET` is unset.
 */

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const MSG_NOSIGNAL = 0x4000;

export interface SdNotifier {
  readonly enabled: boolean;
  /** "ffi", "systemd-notify" or "off". */
  readonly via: string;
  /** Sends e.g. "READY=1\nSTATUS=…"; returns whether it was handed to the socket. */
  notify(state: string): boolean;
  /** `$WATCHDOG_USEC` as ms when the watchdog is enabled for this process. */
  readonly watchdogMs?: number;
  close(): void;
}

/** sockaddr_un for a path (`@name` → abstract). Returns the struct and the length to pass to sendto. */
export function sockaddrUn(path: string): { addr: Uint8Array; len: number } {
  const bytes = new TextEncoder().encode(path.startsWith("@") ? "\0" + path.slice(1) : path);
  if (bytes.length > 107) throw new Error(`NOTIFY_SOCKET path too long (${bytes.length} bytes)`);
  const addr = new Uint8Array(110);
  new DataView(addr.buffer).setUint16(0, AF_UNIX, true);
  addr.set(bytes, 2);
  // Abstract names are exactly their bytes; filesystem paths include the terminating NUL.
  return { addr, len: 2 + bytes.length + (path.startsWith("@") ? 0 : 1) };
}

function ffiNotifier(path: string): ((state: string) => boolean) & { close(): void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
  const libc = dlopen("libc.so.6", {
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    sendto: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i64 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
  });
  const fd = libc.symbols.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0) as number;
  if (fd < 0) throw new Error("socket(AF_UNIX, SOCK_DGRAM) failed");
  const { addr, len } = sockaddrUn(path);
  const send = (state: string): boolean => {
    const msg = new TextEncoder().encode(state);
    const n = libc.symbols.sendto(fd, msg, BigInt(msg.length), MSG_NOSIGNAL, addr, len);
    return Number(n) === msg.length;
  };
  return Object.assign(send, { close: () => void libc.symbols.close(fd) });
}

export function createSdNotifier(env: Record<string, string | undefined> = process.env): SdNotifier {
  const path = env.NOTIFY_SOCKET;
  const usec = Number(env.WATCHDOG_USEC);
  const watchdogFor = !env.WATCHDOG_PID || Number(env.WATCHDOG_PID) === process.pid;
  const watchdogMs = usec > 0 && watchdogFor ? Math.floor(usec / 1000) : undefined;
  if (!path) return { enabled: false, via: "off", notify: () => false, close: () => {}, ...(watchdogMs ? { watchdogMs } : {}) };
  try {
    const send = ffiNotifier(path);
    return { enabled: true, via: "ffi", notify: send, close: send.close, ...(watchdogMs ? { watchdogMs } : {}) };
  } catch {
    return {
      enabled: true,
      via: "systemd-notify",
      notify: (state) => {
        try {
          const r = Bun.spawnSync(["systemd-notify", ...state.split("\n").filter(Boolean)], { env: { ...process.env, NOTIFY_SOCKET: path } });
          return r.exitCode === 0;
        } catch {
          return false;
        }
      },
      close: () => {},
      ...(watchdogMs ? { watchdogMs } : {}),
    };
  }
}
