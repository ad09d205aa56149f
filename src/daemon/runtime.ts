/**
 * The engine process behind `ot3c daemon`, `ot3c run` and `ot3c exec -f FILE`: config → engine (assemble.ts) →
 * metrics port + chargeback loop (services.ts, in all three modes) → control socket, plus process hygiene.
 * - SIGTERM/SIGINT: STOPPING=1, the call in flight finishes and is persisted, nothing new starts, exit 0. Items
 *   whose grace runs out while we are down stay PENDING and are re-checked after the restart.
 * - SIGHUP: reload the configuration; a bad new one keeps the old settings and logs why.
 * - sd_notify READY/WATCHDOG/STOPPING when `$NOTIFY_SOCKET` is set.
 * - The project's lease (src/store/lease): several engines may run for one project; one leads, the others follow.
 * Exit codes (DESIGN §2): 0 stopped cleanly, 1 runtime failure, 78 bad config.
 */
import { ownerReach } from "../notify/guard.ts";
import { join } from "node:path";
import type { Config } from "../config/types.ts";
import { createLogger, setLogger, type Logger } from "../log/logger.ts";
import { journaldSink, textSink } from "../log/sinks.ts";
import { systemClock, type BillingPeriod, type Clock, type PlannedTermination } from "../engine/types.ts";
import { assembleEngine, type AssembledEngine } from "./assemble.ts";
import { ControlSocketServer } from "./socket-server.ts";
import { EngineLock } from "../store/engine-lock.ts";
import { createSdNotifier } from "./sd-notify.ts";

export { engineSettingsFrom } from "./assemble.ts";

export interface RuntimeOptions {
  mode: "daemon" | "run" | "exec";
  configPath?: string;
  stateDir?: string;
  logLevel?: Config["logLevel"];
  color?: boolean;
  /** exec: the plan file's items (re-read by the caller when the file changes). */
  planFile?: { load(ctx: { period: BillingPeriod; knownIds: string[] }): PlannedTermination[]; watch(onChange: () => void): () => void };
  clock?: Clock;
  /** Tests: override the loop period. */
  tickMs?: number;
  /** Tests: resolves the runtime as if SIGTERM arrived. */
  stopSignal?: Promise<void>;
}

function makeLogger(mode: RuntimeOptions["mode"], level: Config["logLevel"], color: boolean): Logger {
  // Under systemd (daemon) stdout goes to the journal: JSON lines with <N> priority prefixes. In the foreground,
  // human lines on stderr.
  const sink = mode === "daemon" ? journaldSink() : textSink({ color, timestamps: true });
  return createLogger({ level, sinks: [sink] });
}

export async function runEngineProcess(opts: RuntimeOptions): Promise<number> {
  const { loadConfig } = await import("../config/load.ts");
  const boot = makeLogger(opts.mode, opts.logLevel ?? "info", opts.color ?? false);
  setLogger(boot);
  // A ConfigError propagates: the CLI prints it and exits 78 (systemd: RestartPreventExitStatus=78).
  let cfg = await loadConfig({ path: opts.configPath, stateDir: opts.stateDir, logger: boot });
  const log = makeLogger(opts.mode, opts.logLevel ?? cfg.logLevel, opts.color ?? false);
  setLogger(log);
  if (opts.mode !== "daemon") {
    // `run`/`exec` from an operator's shell: a daemon found elsewhere (discovery.ts) means this configuration is not
    // the one acting for the project — refuse instead of running a second engine on a store the daemon cannot see.
    const { findDaemon, ForeignConfigError, storeLabel } = await import("./discovery.ts");
    try {
      (await findDaemon({ flag: opts.stateDir, configStateDir: cfg.stateDir, configFile: cfg.sourcePath, configStore: storeLabel(cfg) }))?.client.close();
    } catch (err) {
      if (!(err instanceof ForeignConfigError)) throw err;
      log.error(err.message);
      return 1;
    }
  }
  const clock = opts.clock ?? systemClock;
  const sd = createSdNotifier();

  // Store, providers, notifier, engine and the lease: the same assembly as the in-process TUI and the demo.
  const assembled: AssembledEngine = await assembleEngine(cfg, { clock, log, ...(opts.tickMs ? { tickMs: opts.tickMs } : {}), ...(opts.planFile ? { planFile: opts.planFile } : {}) });
  const { engine, store } = assembled;
  // Metrics port (+ /chargeback/metrics) and the chargeback sync loop; neither can take the engine down.
  const { startServices } = await import("./services.ts");
  const services = startServices({ cfg, engine, log, clock });

  const socketPath = join(cfg.stateDir, "ot3c.sock");
  // One socket per state directory: when another engine here already serves it, clients reach that one, and this
  // engine follows through the shared store (src/store/lease decides who acts, not who serves the socket).
  const newSocket = () => new ControlSocketServer({ path: socketPath, engine, group: cfg.socketGroup, ...(store.db.kind === "postgres" ? { store: store.path } : {}), log: (l, m, f) => log.child({ component: "socket" })[l](m, f) });
  let socket = assembled.socketOwner ? newSocket() : undefined;
  if (socket) await socket.listen();
  else log.info(`control socket ${socketPath} is served by pid ${assembled.socketHolder?.pid} on ${assembled.socketHolder?.host}; this engine has none`);
  // When the engine serving the socket dies, one that follows here takes the state directory's lock and the socket
  // over, so `ot3c`, approve/veto/postpone and `status` keep working.
  let socketLock: EngineLock | undefined;
  const socketWatch = socket
    ? undefined
    : setInterval(() => {
        void EngineLock.acquire(store, cfg.stateDir, clock.now())
          .then(async (lock) => {
            if (socket || !socketWatch) return lock.release();
            socketLock = lock;
            clearInterval(socketWatch);
            socket = newSocket();
            await socket.listen();
            log.info(`control socket ${socketPath} taken over (its previous server is gone)`);
          })
          .catch(() => undefined); // still held: keep following
      }, 2000);

  const stopWatch = opts.planFile?.watch(() => {
    log.info("plan file changed; re-reading it");
    void engine.send({ type: "refresh", actor: "ot3c", source: "plan-file" });
  });

  let resolveStop!: () => void;
  const stopped = new Promise<void>((r) => (resolveStop = r));
  const onTerm = (sig: string) => () => {
    log.info(`${sig} received: finishing the call in flight, then exiting`);
    resolveStop();
  };
  const onInt = onTerm("SIGINT");
  const onTermSig = onTerm("SIGTERM");
  const onHup = () => {
    void (async () => {
      sd.notify("RELOADING=1");
      try {
        const next = await loadConfig({ path: opts.configPath, stateDir: opts.stateDir, logger: log });
        if (next.stateDir !== cfg.stateDir) log.warn("state-dir changed in the configuration: takes effect after a restart");
        if (next.metrics.listen !== cfg.metrics.listen || JSON.stringify(next.chargeback) !== JSON.stringify(cfg.chargeback)) {
          log.warn("metrics.listen or chargeback changed in the configuration: takes effect after a restart");
        }
        await assembled.reconfigure(next);
        log.setLevel(opts.logLevel ?? next.logLevel);
        cfg = next;
        store.audit({ at: clock.now(), actor: "ot3c", source: "daemon", action: "config.reloaded", detail: cfg.sourcePath ?? "" });
        log.info("configuration reloaded", { enforce: cfg.enforce, approval: cfg.approval });
      } catch (err) {
        log.error(`configuration reload failed; keeping the running configuration: ${(err as Error).message}`);
      }
      sd.notify("READY=1");
    })();
  };
  process.on("SIGTERM", onTermSig);
  process.on("SIGINT", onInt);
  process.on("SIGHUP", onHup);

  engine.start();
  sd.notify(`READY=1\nSTATUS=${cfg.enforce ? "enforcing" : "dry run"}; socket ${socketPath}\nMAINPID=${process.pid}`);
  const reach = ownerReach(cfg);
  log.info(
    `engine started (${cfg.enforce ? "ENFORCE" : "DRY-RUN"}, approval ${cfg.approval}, ${assembled.lease.view().role}, notify ${reach.channels.join("+") || (cfg.notify.none ? "none (intended)" : "NONE")})`,
    { pid: process.pid, stateDir: cfg.stateDir, socket: socket ? socketPath : null, sdNotify: sd.via },
  );
  if (reach.warning) log.warn(reach.warning);

  // Pinged from a timer of this event loop: a wedged loop stops pinging and systemd restarts us.
  const watchdog = sd.watchdogMs ? setInterval(() => sd.notify("WATCHDOG=1"), Math.max(1000, Math.floor(sd.watchdogMs / 3))) : undefined;

  await Promise.race([stopped, opts.stopSignal ?? new Promise<never>(() => {})]);
  sd.notify("STOPPING=1");
  if (watchdog) clearInterval(watchdog);
  stopWatch?.();
  await assembled.stopEngine();
  await services.stop();
  if (socketWatch) clearInterval(socketWatch);
  await socket?.close();
  socketLock?.release();
  await assembled.close();
  process.off("SIGTERM", onTermSig);
  process.off("SIGINT", onInt);
  process.off("SIGHUP", onHup);
  log.info("stopped");
  sd.close();
  return 0;
}
