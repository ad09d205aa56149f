/**
 * IAM: resolve the project id from `otccreds.projectname` (`GET /v3/projects?name=…`, AK/SK signed, as the
 * golangsdk does when only a name is configured) and check that a configured project id is accessible.
 */
import type { HttpClient } from "../http.ts";
import { HttpError } from "../http.ts";

export interface IamProject {
  id: string;
  name: string;
  domain_id?: string;
  enabled?: boolean;
}

/** The IAM base may be configured with or without the `/v3` suffix. */
function v3(client: HttpClient, path: string): string {
  return /\/v3\/?$/.test(client.baseURL) ? path : `/v3${path}`;
}

export async function findProjectByName(iam: HttpClient, name: string): Promise<IamProject> {
  const res = await iam.get<{ projects?: IamProject[] }>(v3(iam, "/projects"), { query: { name } });
  if (!res || !Array.isArray(res.projects)) {
    throw new HttpError(`${iam.endpoint}: project lookup returned no "projects" array`, iam.endpoint);
  }
  // The name filter is exact on IAM, but do not rely on it: a wrong match would act on another project.
  const matches = res.projects.filter((p) => p.name === name);
  if (matches.length === 0) throw new HttpError(`${iam.endpoint}: no project named "${name}" is visible to these credentials`, iam.endpoint, 404);
  if (matches.length > 1) throw new HttpError(`${iam.endpoint}: ${matches.length} projects are named "${name}"; configure otccreds.projectid`, iam.endpoint);
  return matches[0]!;
}

/**
 * Checks a configured project id against the projects these credentials may use (`GET /v3/auth/projects`,
 * allowed for any IAM user, unlike reading `/v3/projects/{id}`, which needs IAM admin rights).
 */
export async function findAccessibleProject(iam: HttpClient, id: string): Promise<IamProject> {
  const res = await iam.get<{ projects?: IamProject[] }>(v3(iam, "/auth/projects"));
  if (!res || !Array.isArray(res.projects)) {
    throw new HttpError(`${iam.endpoint}: accessible projects returned no "projects" array`, iam.endpoint);
  }
  const found = res.projects.find((p) => p.id === id);
  if (!found) throw new HttpError(`${iam.endpoint}: project ${id} is not accessible with these credentials`, iam.endpoint, 404);
  return found;
}
