/**
 * Every command's `register` function. Command modules import only commander and types at the top level and load
 * their implementation inside the action (fast start-up). Keep one line per module.
 */
import type { Command } from "commander";
import { register as registerConfig } from "./config.ts";
import { register as registerGenerateConfig } from "./generate-config.ts";
import { register as registerSim } from "./sim.ts";
import { register as registerForecast } from "./forecast.ts";
import { register as registerTui } from "./tui.ts";
import { register as registerTime } from "./time.ts";
import { register as registerDaemon } from "./daemon.ts";
import { register as registerRun } from "./run.ts";
import { register as registerExec } from "./exec.ts";
import { register as registerAct } from "./act.ts";
import { register as registerStatus } from "./status.ts";
import { register as registerVerify } from "./verify.ts";
import { register as registerList } from "./list.ts";
import { register as registerPlan } from "./plan.ts";
import { register as registerDumpData } from "./dump-data.ts";
import { register as registerChargeback } from "./chargeback.ts";
import { register as registerDemo } from "./demo.ts";
import { register as registerCompletion } from "./completion.ts";
import { register as registerNotify } from "./notify.ts";
import { register as registerReplay } from "./replay.ts";
import { register as registerCopies } from "./copies.ts";

export const COMMANDS: Array<(program: Command) => void> = [
  registerGenerateConfig,
  registerConfig,
  registerForecast,
  registerSim,
  registerTui,
  registerTime,
  registerDaemon,
  registerRun,
  registerExec,
  registerAct,
  registerStatus,
  registerVerify,
  registerList,
  registerPlan,
  registerDumpData,
  registerChargeback,
  registerDemo,
  registerReplay,
  registerCopies,
  registerNotify,
  registerCompletion,
];
