#!/usr/bin/env bun
/**
 * Entry point of the `ot3c` executable. Kept tiny on purpose: `ot3c --version` must start in well under 80 ms,
 * so nothing heavy (Ink, React, SQLite, HTTP clients) is imported here; commands load their code on demand.
 */
import { runCli } from "./cli/program.ts";

// `ot3c list | head` closes the pipe early: that is the reader being done, not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    throw err;
  });
}

const code = await runCli(process.argv);
process.exitCode = code;
