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
  private readonly byKey = new Map<string, ClusterHourUsage>();

  constructor(samples: Iterable<UsageSample>, objects: ObjectsIndex) {
    const acc = new Map<string, Map<string, [number, number]>>();
    for (const s of samples) {
      const req = Math.max(0, Math.round(s.requestBytes || 0));
      const resp = Math.max(0, Math.round(s.responseBytes || 0));
      if (req === 0 && resp === 0) continue;
      const key = `${s.kafkaId}|${s.hour}`;
      let m = acc.get(key);
      if (!m) acc.set(key, (m = new Map()));
      const who = objects.principalFor(s.principal);
      const cur = m.get(who) ?? [0, 0];
      cur[0] += req;
      cur[1] += resp;
      m.set(who, cur);
    }
    for (const [key, m] of acc) {
      const principals = [...m.keys()].sort();
      const request = principals.map((p) => m.get(p)![0]);
      const response = principals.map((p) => m.get(p)![1]);
      this.byKey.set(key, {
        principals,
        request,
        response,
        totalRequest: request.reduce((a, b) => a + b, 0),
        totalResponse: response.reduce((a, b) => a + b, 0),
      });
    }
  }

  get(kafkaId: string, hour: number): ClusterHourUsage | undefined {
    return this.byKey.get(`${kafkaId}|${hour}`);
  }

  get size(): number {
    return this.byKey.size;
  }
}
