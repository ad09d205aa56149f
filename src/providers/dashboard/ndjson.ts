/**
 * Reads an NDJSON body as a stream, line by line, and refuses to call a cut-off body complete.
 *
 * A body is accepted only when the stream ended cleanly, every line parsed, the last line was complete, and (when
 * the server sent one) the byte count matched Content-Length. A final line without a trailing newline is accepted
 * only if it is a complete JSON object: a JSON object cut anywhere before its closing brace does not parse, so no
 * data can be lost that way, and servers that omit the final newline keep working.
 *
 * Lines are handed to `onLine` as they arrive, but callers collect them and use them only after this resolves.
 */

export class TruncatedBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TruncatedBodyError";
  }
}

export interface NdjsonReadResult {
  lines: number;
  bytes: number;
}

/**
 * Streams `response.body`, calling `onLine` with each parsed JSON value. The documented examples show a JSON array
 * instead of NDJSON; a body that starts with `[` is therefore accepted as one JSON array (the only case where the
 * body is held whole).
 *
 * Lines are cut from the bytes (a chunk is not decoded as a whole: at 10 M lines a sync, decoding and cutting text
 * was a large part of the client's time); a line is decoded (strict UTF-8) only when `fast` declines it.
 */
export async function readNdjson(
  response: Response,
  onLine: (value: unknown) => void,
  what: string,
  /**
   * Tried first on each line, given as its bytes `start…end` (exclusive) of `bytes`: returns true when it consumed
   * the line, false to have it decoded, parsed and handed to `onLine` (scan.ts: a fast reader for the usual shape
   * that leaves everything unusual to `JSON.parse`).
   */
  fast?: (bytes: Uint8Array, start: number, end: number) => boolean,
): Promise<NdjsonReadResult> {
  const body = response.body;
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (!body) {
    if (Number.isFinite(declared) && declared > 0) throw new TruncatedBodyError(`${what}: response body missing (Content-Length ${declared})`);
    return { lines: 0, bytes: 0 };
  }
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  /** The bytes of a line not yet ended by a newline (from the previous chunk). */
  let carry = new Uint8Array(0);
  let bytes = 0;
  let lines = 0;
  let arrayMode: boolean | undefined;
  const arrayChunks: Uint8Array[] = [];

  const parse = (line: string, last: boolean) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw last
        ? new TruncatedBodyError(`${what}: response truncated after ${lines} complete records (${bytes} bytes; last line cut off)`)
        : new Error(`${what}: malformed NDJSON at line ${lines + 1}`);
    }
    lines++;
    onLine(value);
  };
  /** The line in `buf` from `from` to its newline at `nl`. */
  const lineAt = (buf: Uint8Array, from: number, nl: number) => {
    const end = nl > from && buf[nl - 1] === 13 ? nl - 1 : nl;
    if (end === from) return;
    if (fast !== undefined && fast(buf, from, end)) {
      lines++;
      return;
    }
    const line = decode(buf.subarray(from, end));
    if (line.trim() !== "") parse(line, false);
  };
  const decode = (b: Uint8Array): string => {
    try {
      return decoder.decode(b);
    } catch {
      throw new Error(`${what}: response is not valid UTF-8`);
    }
  };

  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw new TruncatedBodyError(
          `${what}: connection lost after ${bytes} bytes and ${lines} complete records (${(err as Error)?.message ?? err})`,
        );
      }
      if (chunk.done) break;
      const value = chunk.value;
      bytes += value.byteLength;
      if (arrayMode === undefined) {
        const first = firstNonSpace(carry) ?? firstNonSpace(value);
        if (first !== undefined) arrayMode = first === 91; // [
      }
      if (arrayMode) {
        arrayChunks.push(value);
        continue;
      }
      let from = 0;
      if (carry.length > 0) {
        // The line begun in the previous chunk: joined with its end only (not the whole chunk copied behind it).
        const nl = value.indexOf(10);
        const joined = new Uint8Array(carry.length + (nl < 0 ? value.length : nl + 1));
        joined.set(carry);
        joined.set(nl < 0 ? value : value.subarray(0, nl + 1), carry.length);
        if (nl < 0) {
          carry = joined;
          continue;
        }
        lineAt(joined, 0, joined.length - 1);
        from = nl + 1;
      }
      for (let nl = value.indexOf(10, from); nl >= 0; from = nl + 1, nl = value.indexOf(10, from)) lineAt(value, from, nl);
      // Copied: the chunk's buffer is not kept for the sake of one partial line.
      carry = value.slice(from);
    }
    if (Number.isFinite(declared) && bytes !== declared) {
      throw new TruncatedBodyError(`${what}: response truncated: received ${bytes} of ${declared} bytes (Content-Length)`);
    }
    if (arrayMode) {
      const all = new Uint8Array(bytes);
      let at = 0;
      for (const c of arrayChunks) {
        all.set(c, at);
        at += c.length;
      }
      let arr: unknown;
      try {
        arr = JSON.parse(decodeLast(all));
      } catch {
        throw new TruncatedBodyError(`${what}: JSON array response truncated or malformed (${bytes} bytes)`);
      }
      if (!Array.isArray(arr)) throw new Error(`${what}: expected NDJSON or a JSON array`);
      for (const v of arr) {
        lines++;
        onLine(v);
      }
      return { lines, bytes };
    }
    const tail = decodeLast(carry);
    const last = tail.endsWith("\r") ? tail.slice(0, -1) : tail;
    if (last.trim() !== "") {
      if (!last.trimEnd().endsWith("}")) {
        throw new TruncatedBodyError(`${what}: response truncated after ${lines} complete records (${bytes} bytes; last line cut off)`);
      }
      if (fast !== undefined && fast(carry, 0, carry.length - (tail.endsWith("\r") ? 1 : 0))) lines++;
      else parse(last, true);
    }
    return { lines, bytes };
  } finally {
    reader.releaseLock();
    // Stop the transfer if we gave up early (malformed line), so the socket is not left streaming.
    await body.cancel().catch(() => {});
  }

  /** The body's last bytes as text: cut inside a UTF-8 character means cut off; otherwise invalid UTF-8. */
  function decodeLast(b: Uint8Array): string {
    try {
      return decoder.decode(b);
    } catch {
      for (let cut = 1; cut <= 3 && cut <= b.length; cut++) {
        try {
          decoder.decode(b.subarray(0, b.length - cut));
        } catch {
          continue;
        }
        throw new TruncatedBodyError(`${what}: response truncated inside a UTF-8 character after ${bytes} bytes`);
      }
      throw new Error(`${what}: response is not valid UTF-8`);
    }
  }
}

/** The first byte that is not JSON whitespace, if any. */
function firstNonSpace(b: Uint8Array): number | undefined {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c;
  }
  return undefined;
}
