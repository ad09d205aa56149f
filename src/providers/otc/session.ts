/**
 * The per-configuration OTC session: the IAM client, the project id (configured, or resolved once by name) and
 * the signed service clients carrying `X-Project-Id`.
 */
import type { OtcCredentials } from "../../config/types.ts";
import type { HttpClient } from "../http.ts";
import { createServiceClient, inService, type OtcClientOptions } from "./clients.ts";
import { findProjectByName } from "./iam.ts";

export interface ServiceClients {
  projectId: string;
  ecs: HttpClient;
  evs: HttpClient;
  cce: HttpClient;
  rds: HttpClient;
}

export class OtcSession {
  readonly iam: HttpClient;
  private clientsPromise?: Promise<ServiceClients>;

  constructor(
    readonly otc: OtcCredentials,
    readonly options: OtcClientOptions = {},
  ) {
    this.iam = createServiceClient(otc, "iam", undefined, options);
  }

  async projectId(): Promise<string> {
    return (await this.clients()).projectId;
  }

  /** Resolves the project once; a failed lookup is not cached, so the next sync tries again. */
  clients(): Promise<ServiceClients> {
    if (!this.clientsPromise) {
      this.clientsPromise = this.build().catch((err) => {
        this.clientsPromise = undefined;
        throw err;
      });
    }
    return this.clientsPromise;
  }

  private async build(): Promise<ServiceClients> {
    let projectId = this.otc.projectId;
    if (!projectId) {
      const name = this.otc.projectName;
      if (!name) throw new Error("otccreds: neither projectid nor projectname is configured");
      projectId = (await inService("iam", this.otc.endpoints.iam, `project lookup "${name}"`, () => findProjectByName(this.iam, name))).id;
    }
    const make = (s: "ecs" | "evs" | "cce" | "rds") => createServiceClient(this.otc, s, projectId, this.options);
    return { projectId, ecs: make("ecs"), evs: make("evs"), cce: make("cce"), rds: make("rds") };
  }
}
