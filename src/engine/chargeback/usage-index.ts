/**
 * Per (cluster, hour) bytes by principal, with metric principals that are API keys folded into their owners
 * (a user with two keys is one principal). Bytes are rounded to integers so splits stay exact.
 */
import type { ObjectsIndex } from "./objects-index.ts";
import type { UsageSample } from "./types.ts";

export interface ClusterHourUsage {
  /** Sorted principals with any bytes. */
  principals: string[];
  request: number[];
  response: number[];
  totalRequest: number;
  totalResponse: number;
}

export class UsageIndex {
  private readonly byCluster = new Map<string, Map<number, ClusterHourUsage>>();

  constructor(samples: Iterable<UsageSample>, objects: ObjectsIndex) {
    const acc = new Map<string, Map<number, Map<string, [number, number]>>>();
    for (const s of samples) {
      const req = Math.max(0, Math.round(s.requestBytes || 0));
      const resp = Math.max(0, Math.round(s.responseBytes || 0));
      if (req === 0 && resp === 0) continue;
      let byHour = acc.get(s.kafkaId);
      if (!byHour) acc.set(s.kafkaId, (byHour = new Map()));
      let m = byHour.get(s.hour);
      if (!m) byHour.set(s.hour, (m = new Map()));
      const who = objects.principalFor(s.principal);
      const cur = m.get(who) ?? [0, 0];
      cur[0] += req;
      cur[1] += resp;
      m.set(who, cur);
    }
    for (const [kafkaId, byHour] of acc) {
      const out = new Map<number, ClusterHourUsage>();
      this.byCluster.set(kafkaId, out);
      for (const [hour, m] of byHour) {
        const principals = [...m.keys()].sort();
        const request = principals.map((p) => m.get(p)![0]);
        const response = principals.map((p) => m.get(p)![1]);
        out.set(hour, {
          principals,
          request,
          response,
          totalRequest: request.reduce((a, b) => a + b, 0),
          totalResponse: response.reduce((a, b) => a + b, 0),
        });
      }
    }
  }

  get(kafkaId: string, hour: number): ClusterHourUsage | undefined {
    return this.byCluster.get(kafkaId)?.get(hour);
  }

  get size(): number {
    let n = 0;
    for (const m of this.byCluster.values()) n += m.size;
    return n;
  }
}
