/**
 * The operator's own data as the replay cloud's input: the cost records of `ot3c dump-data` (CSV with a header
 * row) and the inventory of `ot3c list --output json` (docs/output.md). Server groups in the list (a server with
 * its volumes) become the attachments the virtual tree is rebuilt from; `ot3c_group` groups come back from tags.
 */
import type { CloudResource, CostRecord, ResourceKind } from "../../engine/types.ts";

const KINDS = new Set<ResourceKind>(["ECS", "EVS", "CCE", "RDS"]);

/** RFC 4180 fields of one CSV text (quotes doubled inside quoted fields). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function costsFromCsv(text: string): CostRecord[] {
  const rows = parseCsv(text).filter((r) => r.length > 1 || r[0] !== "");
  if (rows.length === 0) return [];
  const header = rows[0].map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const [date, rid, product, amount, ctype, pid, pname, region] = ["date", "resource_id", "product", "amount", "consumption_type", "project_id", "project_name", "region"].map(col);
  if (date < 0 || rid < 0 || product < 0 || amount < 0) throw new Error("the cost CSV needs the columns date, resource_id, product and amount (as `ot3c dump-data` writes them)");
  const out: CostRecord[] = [];
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i];
    const value = Number(r[amount]);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r[date] ?? "") || !Number.isFinite(value)) throw new Error(`cost CSV line ${i + 1}: not a date and an amount`);
    out.push({
      date: r[date],
      resourceId: r[rid],
      product: r[product],
      amount: value,
      ...(ctype >= 0 && r[ctype] ? { consumptionType: r[ctype] } : {}),
      ...(pid >= 0 && r[pid] ? { projectId: r[pid] } : {}),
      ...(pname >= 0 && r[pname] ? { projectName: r[pname] } : {}),
      ...(region >= 0 && r[region] ? { region: r[region] } : {}),
    });
  }
  return out;
}

interface ListResource {
  id: string;
  kind: string;
  name: string;
  status?: string | null;
  prepaid?: boolean;
  tags: Record<string, string>;
  /** The project and region it was listed in (ot3c ≥ the fleet release; meaningful when `project.fleet`). */
  project?: string;
  region?: string;
  members: ListResource[];
}

/** Leaf resources of a `list --output json` document, with server–volume attachments from its server groups. */
export function resourcesFromList(json: string): CloudResource[] {
  const doc = JSON.parse(json) as { resources?: ListResource[]; project?: { fleet?: boolean } };
  // A fleet's rows say where each resource lives, which scoped budgets (`budgets:` by project or region) need; a
  // single project's rows all name the configured project, which the replay already assumes.
  const fleet = doc.project?.fleet === true;
  if (!Array.isArray(doc.resources)) throw new Error("the inventory must be the JSON of `ot3c list --output json` (no `resources` array found)");
  const out = new Map<string, CloudResource>();
  const leaf = (r: ListResource): CloudResource | undefined => {
    const kind = r.kind as ResourceKind;
    if (!KINDS.has(kind)) return undefined;
    const prefix = `${kind}_`;
    const id = r.id.startsWith(prefix) ? r.id.slice(prefix.length) : r.id;
    let res = out.get(id);
    if (!res) {
      res = { kind, id, name: r.name, status: r.status ?? (kind === "EVS" ? "available" : "ACTIVE"), tags: { ...r.tags }, ...(r.prepaid ? { prepaid: true } : {}) };
      if (fleet && r.project) res.projectName = r.project;
      if (fleet && r.region) res.region = r.region;
      out.set(id, res);
    }
    return res;
  };
  const walk = (r: ListResource): void => {
    if (r.kind !== "GROUP") {
      leaf(r);
      return;
    }
    const [first, ...rest] = r.members;
    if (first && first.kind === "ECS" && rest.length > 0 && rest.every((m) => m.kind === "EVS")) {
      const server = leaf(first)!;
      server.attachedVolumeIds = [];
      for (const m of rest) {
        const vol = leaf(m)!;
        server.attachedVolumeIds.push(vol.id);
        vol.attachedServerIds = [server.id];
        vol.status = "in-use";
      }
      return;
    }
    r.members.forEach(walk);
  };
  doc.resources.forEach(walk);
  return [...out.values()];
}
