/**
 * Builds `dist/ot3c`, one self-contained executable (Bun.build with `compile`).
 *
 * - Ink imports the optional `react-devtools-core` statically; `--compile` cannot resolve it and marking it external
 *   makes the binary die at start-up, so a plugin resolves it to a one-line stub (reference §2, pitfall 1).
 * - Compiled binaries would auto-load `.env` and `bunfig.toml` from the working directory; a daemon must not pick
 *   up whatever lies in its CWD, so both are turned off.
 * - The version and commit are baked in with `define`.
 *
 * Usage: bun scripts/build.ts [--outfile dist/ot3c] [--target bun-linux-x64]
 */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const outfile = resolve(arg("--outfile", "dist/ot3c"));
const target = arg("--target", "bun");

function gitCommit(): string {
  try {
    const r = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { stdout: "pipe", stderr: "ignore" });
    return r.exitCode === 0 ? r.stdout.toString().trim() : "unknown";
  } catch {
    return "unknown";
  }
}

const stubDevtools: Bun.BunPlugin = {
  name: "stub-react-devtools-core",
  setup(build) {
    build.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: "react-devtools-core", namespace: "ot3c-stub" }));
    build.onLoad({ filter: /.*/, namespace: "ot3c-stub" }, () => ({
      contents: "export default { initialize() {}, connectToDevTools() {} };",
      loader: "js",
    }));
  },
};

mkdirSync(dirname(outfile), { recursive: true });
const started = performance.now();
const commit = gitCommit();
const result = await Bun.build({
  // The PostgreSQL bridge's worker is a second entry point: the binary embeds it, `new Worker(new URL(…))` finds it.
  entrypoints: [resolve(import.meta.dir, "../src/main.ts"), resolve(import.meta.dir, "../src/store/pg/worker.ts")],
  compile: {
    outfile,
    ...(target === "bun" ? {} : { target }),
    autoloadDotenv: false,
    autoloadBunfig: false,
  } as Bun.CompileBuildOptions,
  minify: true,
  sourcemap: "linked",
  bytecode: true,
  format: "esm",
  plugins: [stubDevtools],
  define: {
    OT3C_VERSION: JSON.stringify(pkg.version),
    OT3C_COMMIT: JSON.stringify(commit),
    "process.env.DEV": JSON.stringify("false"),
    // React's development build costs several times the CPU per TUI frame.
    "process.env.NODE_ENV": JSON.stringify("production"),
  },
});

if (!result.success) {
  for (const log of result.logs) console.error(log);
  console.error("build failed");
  process.exit(1);
}
console.log(`built ${outfile} (v${pkg.version}, commit ${commit}) in ${Math.round(performance.now() - started)} ms`);
