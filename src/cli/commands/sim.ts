/**
 * `ot3c sim`: serve the simulated clouds (OTC + Financial Dashboard) on one local port until SIGINT/SIGTERM, and
 * print a ready-to-use ot3c.yaml for them — so ot3c can be tried with a real config and no cloud account.
 */
import { InvalidArgumentError, Option, type Command } from "commander";

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number 0–65535 (0 = any free port)");
  return n;
}

function seed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be a non-negative integer");
  return n;
}

function faults(value: string): string {
  if (["none", "light", "heavy"].includes(value)) return value;
  const n = Number(value);
  if (value.trim() !== "" && Number.isFinite(n) && n >= 0 && n <= 1) return value;
  throw new InvalidArgumentError("must be none, light, heavy, or a rate between 0 and 1");
}

/** "2s", "500ms", "0": how long accepted jobs stay INIT. */
function hold(value: string): number {
  const m = /^(\d+)(ms|s)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('must be a duration like "2s" or "500ms" (0 = none)');
  return Number(m[1]) * (m[2] === "ms" ? 1 : 1000);
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError("must be a whole number from 1 to 1000");
  return n;
}

function regionList(value: string): string[] {
  const list = value.split(",").map((r) => r.trim());
  if (list.length === 0 || list.some((r) => !/^[a-z]{2}-[a-z0-9-]+$/.test(r))) throw new InvalidArgumentError("must be regions such as eu-de,eu-nl");
  return list;
}

interface SimOptions {
  projects: number;
  regions: string[];
  port: number;
  hostname: string;
  scenario: "default" | "demo" | "large";
  seed: number;
  faults: string;
  jobInitHold: number;
  writeConfig?: string;
}

export function register(program: Command): void {
  program
    .command("sim")
    .description("serve simulated OTC, Financial Dashboard, Confluent Cloud and Prometheus APIs locally and print an ot3c.yaml for them")
    .option("--port <port>", "port to listen on (0 = any free port)", port, 0)
    .option("--hostname <host>", "address to listen on", "127.0.0.1")
    .addOption(new Option("--scenario <name>", "generated scenario").choices(["default", "demo", "large"]).default("default"))
    .option("--seed <n>", "scenario seed (same seed → same resources and costs)", seed, 1)
    .option("--faults <profile>", "injected faults: none, light, heavy, or a rate 0–1", faults, "none")
    .option("--job-init-hold <duration>", "how long an accepted job stays INIT with the resource unchanged, as OTC's do (0 = none)", hold, 2000)
    .option("--write-config <file>", "also write the ot3c.yaml to this file (mode 0600)")
    .option("--projects <n>", "a contract of n projects (issue #18): one server per region on free ports, IAM with MOS, projects: all", count, 1)
    .option("--regions <list>", "with --projects: the regions the projects are spread over", regionList, ["eu-de"])
    .action(async (opts: SimOptions) => {
      if (opts.projects > 1) return serveFleet(opts);
      const [{ presetScenario }, { startSim }, { FaultInjector, parseFaultProfile }, cf, cfRoutes, promRoutes, cfServer] = await Promise.all([
        import("../../sim/scenario/index.ts"),
        import("../../sim/server.ts"),
        import("../../sim/faults.ts"),
        import("../../sim/confluent/scenario.ts"),
        import("../../sim/confluent/routes.ts"),
        import("../../sim/prometheus/routes.ts"),
        import("../../sim/confluent/server.ts"),
      ]);
      const scenario = presetScenario(opts.scenario, { seed: opts.seed });
      // The chargeback side (Confluent Cloud billing/objects + a Prometheus with Kafka byte counters) on the same port.
      const confluent = cf.generateConfluentScenario({ seed: opts.seed, now: Date.now(), days: 16 });
      const cfFaults = new FaultInjector(parseFaultProfile(opts.faults, opts.seed + 1));
      const sim = startSim({
        extraRoutes: [cfRoutes.confluentSimRoutes(confluent, cfFaults), promRoutes.prometheusSimRoutes(confluent)],
        world: scenario.world,
        port: opts.port,
        hostname: opts.hostname,
        faults: parseFaultProfile(opts.faults, opts.seed),
        otc: { jobInitHoldMs: opts.jobInitHold },
        targetBudget: scenario.targetBudget,
        description: `scenario ${opts.scenario}, seed ${opts.seed}, faults ${opts.faults}`,
      });
      // Listen for SIGINT/SIGTERM before announcing the config: whoever reads it may stop us right away.
      const { untilSignal } = await import("../../util/signals.ts");
      const stopped = untilSignal();
      const yaml = sim.configYaml() + cfServer.chargebackConfigYaml(sim.url, confluent);
      if (opts.writeConfig) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(opts.writeConfig, yaml, { mode: 0o600 });
      }
      process.stdout.write(yaml);
      const w = scenario.world;
      process.stderr.write(
        `ot3c sim: serving at ${sim.url} — ${w.servers.size} ECS, ${w.volumes.size} EVS, ${w.nodePools.size} CCE node pools, ` +
          `${w.rds.size} RDS, ${w.costs.length} cost records; budget ${scenario.targetBudget} vs projected ` +
          `${scenario.projectedMonthEnd}. Ctrl-C to stop.\n`,
      );
      await stopped;
      await sim.stop();
      process.stderr.write("ot3c sim: stopped\n");
    });
}

/** `--projects N`: several projects over the regions; OTC and the Enterprise Dashboard (no chargeback side). */
async function serveFleet(opts: SimOptions): Promise<void> {
  const [{ generateFleet, FLEET_LARGE, SMALL_PROJECT }, { SCENARIO_PRESETS }, { startFleetSim }, { parseFaultProfile }, { untilSignal }] = await Promise.all([
    import("../../sim/scenario/fleet.ts"),
    import("../../sim/scenario/index.ts"),
    import("../../sim/fleet-server.ts"),
    import("../../sim/faults.ts"),
    import("../../util/signals.ts"),
  ]);
  const perProject = opts.scenario === "large" ? FLEET_LARGE.perProject : opts.scenario === "demo" ? SCENARIO_PRESETS.demo : SMALL_PROJECT;
  const per = Math.floor(opts.projects / opts.regions.length);
  const regions = opts.regions.map((region, i) => ({ region, projects: per + (i < opts.projects % opts.regions.length ? 1 : 0) })).filter((r) => r.projects > 0);
  const fleet = generateFleet({ seed: opts.seed, now: Date.now(), regions, perProject });
  const sim = startFleetSim(fleet, { faults: parseFaultProfile(opts.faults, opts.seed), otc: { jobInitHoldMs: opts.jobInitHold }, hostname: opts.hostname });
  const stopped = untilSignal();
  const yaml = sim.configYaml();
  if (opts.writeConfig) {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(opts.writeConfig, yaml, { mode: 0o600 });
  }
  process.stdout.write(yaml);
  const resources = fleet.projects.reduce((s, w) => s + w.servers.size + w.volumes.size + w.nodePools.size + w.rds.size, 0);
  process.stderr.write(
    `ot3c sim: ${fleet.projects.length} projects, ${resources} resources, serving ${Object.entries(sim.urls).map(([r, u]) => `${r} at ${u}`).join(", ")}; ` +
      `budget ${fleet.targetBudget}. Ctrl-C to stop.\n`,
  );
  await stopped;
  await sim.stop();
  process.stderr.write("ot3c sim: stopped\n");
}
