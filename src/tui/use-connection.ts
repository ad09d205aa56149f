/**
 * The link of an attached TUI to its daemon (src/daemon/socket-client.ts keeps it: heartbeat, reconnect). An
 * in-process engine has no link and is always "connected". While the link is down the header says DISCONNECTED
 * and every key that changes a plan item is removed, as with --read-only.
 */
import { useEffect, useState } from "react";
import type { ConnectionState, EngineHandle } from "../engine/types.ts";

const IN_PROCESS: ConnectionState = { state: "connected", since: 0 };

export function useConnection(handle: EngineHandle): ConnectionState {
  const [link, setLink] = useState<ConnectionState>(() => handle.connectionState?.() ?? IN_PROCESS);
  useEffect(() => {
    if (!handle.onConnectionChange) return;
    setLink(handle.connectionState?.() ?? IN_PROCESS);
    return handle.onConnectionChange(setLink);
  }, [handle]);
  return link;
}
