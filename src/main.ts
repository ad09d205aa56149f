#!/usr/bin/env bun
/**
 * Entry point of the `ot3c` executable. Kept tiny on purpose: `ot3c --version` must start in well under 80 ms,
 * so nothing heavy (Ink, React, SQLite, HTTP clients) is imported here; commands load their code on demand.
 */
import { runCli } from "./cli/program.ts";

const code = await runCli(process.argv);
process.exitCode = code;
