/**
 * CCE cluster hibernation and wake-up through OtcResourceActions, over HTTP on 127.0.0.1 against the simulated OTC
 * with its real-cloud timing (an accepted job sits in INIT with the cluster unchanged) and lost answers: each
 * operation is decided on the cluster's phase now, sent at most once, and a lost answer is observed, never re-sent.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { ManualClock } from "../../../src/engine/types.ts";
import { createOtcProvider } from "../../../src/providers/otc/index.ts";
import { FaultInjector } from "../../../src/sim/faults.ts";
import { credsFor, makeWorld, startSim, type RunningSim } from "../../sim/otc/world.ts";

const MIN = 60_000;
let sims: RunningSim[] = [];
afterEach(() => {
  sims.forEach((s) => s.stop());
  sims = [];
});

/** The poller's sleeps move the shared clock, so an INIT hold passes while the client waits. */
function setup(opts: { holdMs?: number; faults?: FaultInjector; timeoutMs?: number; wrap?: Parameters<typeof startSim>[2] } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 10, 20, 12));
  const world = makeWorld({ clusters: 1 });
  const sim = startSim(world, { pollsUntilDone: 2, jobInitHoldMs: opts.holdMs ?? 0, now: () => clock.now() }, opts.wrap, opts.faults);
  sims.push(sim);
  const provider = createOtcProvider(credsFor(world, sim.baseUrl, { projectId: world.projectId }), {
    sleep: async () => {},
    jobs: { intervalMs: MIN, timeoutMs: opts.timeoutMs ?? 60 * MIN, sleep: async (ms) => clock.advance(ms), now: () => clock.now() },
  });
  const cid = [...world.clusters.keys()][0]!;
  const posts = (op: string) => sim.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/clusters/${cid}/operation/${op}`)).length;
  return { clock, world, sim, provider, a: provider.actions, cid, posts };
}

describe("cluster hibernation, decided on the phase now", () => {
  test("hibernate then awake: one POST each, waited for until Hibernation / Available", async () => {
    const { world, a, cid, posts } = setup();
    expect(await a.clusterPhase!(cid)).toBe("Available");
    await a.hibernateCluster(cid);
    expect(world.clusters.get(cid)!.phase).toBe("Hibernation");
    expect(await a.clusterPhase!(cid)).toBe("Hibernation");
    await a.awakeCluster(cid);
    expect(world.clusters.get(cid)!.phase).toBe("Available");
    expect([posts("hibernate"), posts("awake")]).toEqual([1, 1]);
  });

  test("already at the target (someone else, or a run before a restart): no call", async () => {
    const { world, a, cid, posts } = setup();
    await a.awakeCluster(cid);
    world.clusters.get(cid)!.phase = "Hibernation";
    await a.hibernateCluster(cid);
    expect([posts("hibernate"), posts("awake")]).toEqual([0, 0]);
    expect(world.mutations.total).toBe(0);
  });

  test("another operation under way, or the cluster gone: nothing sent, an error", async () => {
    const { world, a, cid, posts } = setup();
    world.clusters.get(cid)!.phase = "Awaking";
    await expect(a.hibernateCluster(cid)).rejects.toThrow(/is Awaking; hibernate needs Available; nothing sent/);
    world.clusters.delete(cid);
    await expect(a.hibernateCluster(cid)).rejects.toThrow(/no longer exists; nothing sent/);
    expect(await a.clusterPhase!(cid)).toBeUndefined();
    expect(posts("hibernate")).toBe(0);
  });

  test("INIT hold: the cluster reads Available for 10 minutes after the accepted POST; the client waits, it does not re-send", async () => {
    const { clock, world, a, cid, posts } = setup({ holdMs: 10 * MIN });
    const t0 = clock.now();
    await a.hibernateCluster(cid);
    expect(world.clusters.get(cid)!.phase).toBe("Hibernation");
    expect(clock.now() - t0).toBeGreaterThanOrEqual(10 * MIN);
    expect(posts("hibernate")).toBe(1);
    expect([...world.jobs.values()].filter((j) => j.type === "hibernateCluster")).toHaveLength(1);
  });
});

describe("answers lost after acceptance", () => {
  for (const kind of ["accept-502", "accept-reset"] as const) {
    test(`${kind} with an INIT hold: observed until Hibernation, exactly one POST`, async () => {
      const faults = new FaultInjector({ rate: 0, kinds: [kind], retryAfterSeconds: 0, slowMs: 0, seed: 1 });
      const { world, provider, a, cid, posts } = setup({ holdMs: 10 * MIN, faults });
      await provider.session.clients(); // the token first, then every mutation loses its answer
      faults.setProfile({ rate: 1, kinds: [kind], retryAfterSeconds: 0, slowMs: 0, seed: 1 });
      await a.hibernateCluster(cid);
      expect(world.clusters.get(cid)!.phase).toBe("Hibernation");
      expect(posts("hibernate")).toBe(1);
      expect(world.mutations.calls.get(`CCE.hibernate:${cid}`)).toBe(1);
      // The wake-up loses its answer too, and is observed as well.
      await a.awakeCluster(cid);
      expect(world.clusters.get(cid)!.phase).toBe("Available");
      expect(posts("awake")).toBe(1);
    });
  }

  test("a 5xx before acceptance: observed for the poll's time, then an error that says nothing was re-sent", async () => {
    // The gateway refuses the POST before the cloud sees it: the client cannot tell this from a lost answer.
    const wrap = (req: Request, url: URL) =>
      req.method === "POST" && url.pathname.endsWith("/operation/hibernate") ? new Response(JSON.stringify({ error_code: "APIGW.0500", error_msg: "bad gateway" }), { status: 502 }) : undefined;
    const { world, a, cid, posts } = setup({ wrap, timeoutMs: 5 * MIN });
    const err = (await a.hibernateCluster(cid).catch((e) => e)) as Error;
    expect(err.message).toMatch(/answer was lost .* not re-sent/);
    expect(posts("hibernate")).toBe(1);
    expect(world.mutations.calls.get(`CCE.hibernate:${cid}`) ?? 0).toBe(0);
    expect(world.clusters.get(cid)!.phase ?? "Available").toBe("Available");
  });

  test("a refusal (4xx) is no lost answer: it fails at once with the cloud's reason", async () => {
    const { world, a, cid, posts } = setup();
    world.clusters.get(cid)!.phase = "Hibernation";
    await a.hibernateCluster(cid); // already there: no call
    const wrap = (req: Request, url: URL) =>
      req.method === "POST" && url.pathname.endsWith("/operation/awake") ? new Response(JSON.stringify({ error_code: "CCE.01400013", error_msg: "quota" }), { status: 400 }) : undefined;
    const s2 = setup({ wrap });
    s2.world.clusters.get(s2.cid)!.phase = "Hibernation";
    await expect(s2.a.awakeCluster(s2.cid)).rejects.toThrow(/HTTP 400/);
    expect(s2.posts("awake")).toBe(1);
    expect(posts("hibernate")).toBe(0);
  });
});
