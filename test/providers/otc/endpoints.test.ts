import { describe, expect, test } from "bun:test";
import { defaultIdentityEndpoint, deriveEndpoints } from "../../../src/providers/otc/endpoints.ts";

describe("deriveEndpoints", () => {
  test("derives https://{service}.{region}.otc.t-systems.com and IAM from the region", () => {
    expect(deriveEndpoints("eu-de")).toEqual({
      iam: "https://iam.eu-de.otc.t-systems.com/v3",
      ecs: "https://ecs.eu-de.otc.t-systems.com",
      evs: "https://evs.eu-de.otc.t-systems.com",
      cce: "https://cce.eu-de.otc.t-systems.com",
      rds: "https://rds.eu-de.otc.t-systems.com",
    });
    expect(deriveEndpoints("eu-nl").ecs).toBe("https://ecs.eu-nl.otc.t-systems.com");
    expect(deriveEndpoints("").ecs).toBe("https://ecs.eu-de.otc.t-systems.com");
  });

  test("the Swiss region uses its own domain", () => {
    expect(defaultIdentityEndpoint("eu-ch2")).toBe("https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3");
    expect(deriveEndpoints("eu-ch2").rds).toBe("https://rds.eu-ch2.sc.otc.t-systems.com");
  });

  test("overrides win, the identity endpoint feeds IAM, trailing slashes go", () => {
    const e = deriveEndpoints("eu-de", { identityEndpoint: "https://iam.example.test/v3/", ecs: "http://127.0.0.1:9/" });
    expect(e.iam).toBe("https://iam.example.test/v3");
    expect(e.ecs).toBe("http://127.0.0.1:9");
    expect(e.evs).toBe("https://evs.eu-de.otc.t-systems.com");
    expect(deriveEndpoints("eu-de", { identityEndpoint: "https://a/v3", iam: "https://b/v3" }).iam).toBe("https://b/v3");
  });
});
