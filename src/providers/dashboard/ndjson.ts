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
 * body is held as one string).
 */
export async function readNdjson(
  response: Response,
  onLine: (value: unknown) => void,
  what: string,
  /**
   * Tried first on each line, given as `text` from `start` to `end` (exclusive; the line's own string is cut only
   * when needed): returns true when it consumed the line, false to have it parsed and handed to `onLine` (scan.ts:
   * a fast reader for the usual shape that leaves everything unusual to `JSON.parse`).
   */
  fast?: (text: string, start: number, end: number) => boolean,
): Promise<NdjsonReadResult> {
  const body = response.body;
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (!body) {
    if (Number.isFinite(declared) && declared > 0) throw new TruncatedBodyError(`${what}: response body missing (Content-Length ${declared})`);
    return { lines: 0, bytes: 0 };
  }
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let rest = "";
  let bytes = 0;
  let lines = 0;
  let arrayMode: boolean | undefined;

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
      bytes += chunk.value.byteLength;
      let text: string;
      try {
        text = decoder.decode(chunk.value, { stream: true });
      } catch {
        throw new Error(`${what}: response is not valid UTF-8`);
      }
      if (arrayMode === undefined) {
        const first = (rest + text).trimStart();
        if (first.length > 0) arrayMode = first.startsWith("[");
      }
      if (arrayMode) {
        rest += text;
        continue;
      }
      // Line by line with indexOf rather than split: no array of a chunk's lines.
      const all = rest.length > 0 ? rest + text : text;
      let from = 0;
      for (let nl = all.indexOf("\n"); nl >= 0; from = nl + 1, nl = all.indexOf("\n", from)) {
        const end = nl > from && all.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        if (end === from) continue;
        if (fast !== undefined && fast(all, from, end)) {
          lines++;
          continue;
        }
        const line = all.slice(from, end);
        if (line.trim() !== "") parse(line, false);
      }
      rest = from === 0 ? all : all.slice(from);
    }
    try {
      rest += decoder.decode();
    } catch {
      throw new TruncatedBodyError(`${what}: response truncated inside a UTF-8 character after ${bytes} bytes`);
    }
    if (Number.isFinite(declared) && bytes !== declared) {
      throw new TruncatedBodyError(`${what}: response truncated: received ${bytes} of ${declared} bytes (Content-Length)`);
    }
    if (arrayMode) {
      let arr: unknown;
      try {
        arr = JSON.parse(rest);
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
    const last = rest.endsWith("\r") ? rest.slice(0, -1) : rest;
    if (last.trim() !== "") {
      if (!last.trimEnd().endsWith("}")) {
        throw new TruncatedBodyError(`${what}: response truncated after ${lines} complete records (${bytes} bytes; last line cut off)`);
      }
      if (fast !== undefined && fast(last, 0, last.length)) lines++;
      else parse(last, true);
    }
    return { lines, bytes };
  } finally {
    reader.releaseLock();
    // Stop the transfer if we gave up early (malformed line), so the socket is not left streaming.
    await body.cancel().catch(() => {});
  }
}
