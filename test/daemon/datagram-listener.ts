/** A python3 AF_UNIX SOCK_DGRAM listener that prints every datagram it receives as a JSON string per line. */
export function datagramListener(path: string) {
  const py = `
import socket, sys, json, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(${JSON.stringify(path.startsWith("@") ? "\0" + path.slice(1) : path)})
print("ready", flush=True)
while True:
    data = s.recv(4096)
    print(json.dumps(data.decode()), flush=True)
`;
  const proc = Bun.spawn(["python3", "-c", py], { stdout: "pipe", stderr: "inherit" });
  const lines: string[] = [];
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  (async () => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of proc.stdout) {
      buf += dec.decode(chunk);
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === "ready") resolveReady();
        else lines.push(JSON.parse(line));
      }
    }
  })();
  return { proc, lines, ready };
}

