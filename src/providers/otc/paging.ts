/**
 * Paging for OTC list APIs with the fewest calls: the first page tells the total, the remaining pages are fetched
 * a few at a time, and the walk continues page by page if the collection grew meanwhile. A listing that comes back
 * short of its own total, or with a page that ends early, throws — a partial inventory must never be taken as the
 * whole project (the planner would think resources are gone).
 */
import { HttpError } from "../http.ts";

export interface Page<T> {
  items: T[];
  /** Total reported by the API (`count`, `total_count`), when it reports one. */
  total?: number;
}

export interface PagingOptions<T> {
  /** For messages, e.g. "ECS servers". */
  what: string;
  /** Label of the HttpClient endpoint, for the error. */
  endpoint: string;
  pageSize: number;
  /** Fetch page `index` (0-based; the caller maps it to a page number or an item offset). */
  fetchPage: (index: number) => Promise<Page<T>>;
  idOf: (item: T) => string;
  concurrency?: number;
  /** Safety stop against an API that keeps returning full pages. */
  maxPages?: number;
}

function incomplete(opts: { what: string; endpoint: string }, detail: string): HttpError {
  return new HttpError(`${opts.endpoint}: incomplete listing of ${opts.what}: ${detail}`, opts.endpoint, undefined, "INCOMPLETE", true);
}

export async function fetchAllPages<T>(opts: PagingOptions<T>): Promise<T[]> {
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const maxPages = opts.maxPages ?? 10_000;
  const pages = new Map<number, Page<T>>();
  const first = await opts.fetchPage(0);
  pages.set(0, first);
  let total = first.total;
  let lastFull = first.items.length >= opts.pageSize;

  // Pages 1..n-1 are known from the total: fetch them concurrently.
  if (lastFull && total !== undefined) {
    const count = Math.min(maxPages, Math.ceil(total / opts.pageSize));
    let next = 1;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        pages.set(i, await opts.fetchPage(i));
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(0, count - 1)) }, worker));
  }

  // Check the known pages, then keep walking while the last one is full and the total is not reached.
  let index = 0;
  let collected = 0;
  for (; pages.has(index); index++) {
    const page = pages.get(index)!;
    if (page.total !== undefined) total = Math.max(total ?? 0, page.total);
    collected += page.items.length;
    lastFull = page.items.length >= opts.pageSize;
    if (!lastFull && pages.has(index + 1) && pages.get(index + 1)!.items.length > 0) {
      throw incomplete(opts, `page ${index + 1} returned ${page.items.length} of ${opts.pageSize} items but later pages are not empty`);
    }
  }
  while (lastFull && (total === undefined || collected < total)) {
    if (index >= maxPages) throw incomplete(opts, `more than ${maxPages} pages`);
    const page = await opts.fetchPage(index);
    pages.set(index, page);
    if (page.total !== undefined) total = Math.max(total ?? 0, page.total);
    collected += page.items.length;
    lastFull = page.items.length >= opts.pageSize;
    index++;
  }

  const seen = new Set<string>();
  const out: T[] = [];
  for (let i = 0; i < index; i++) {
    for (const item of pages.get(i)!.items) {
      const id = opts.idOf(item);
      if (seen.has(id)) continue; // a resource created meanwhile shifts later pages by one
      seen.add(id);
      out.push(item);
    }
  }
  if (total !== undefined && out.length < total) {
    throw incomplete(opts, `received ${out.length} of ${total} reported`);
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}
