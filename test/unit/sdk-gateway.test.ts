// The SDK gateway the server client and the panel's browser client both point
// at a stand-in with: one origin for login and API, no path prefixes.
import { describe, expect, it } from "vitest";
import { sdkGateway } from "@/lib/genesys/sdk-gateway";

describe("sdkGateway", () => {
  it("takes host, protocol and port from the origin, with no login/api prefixes", () => {
    expect(sdkGateway("http://127.0.0.1:4010")).toEqual({ host: "127.0.0.1", protocol: "http", port: 4010, path_params_login: "", path_params_api: "" });
  });

  it("leaves the port to the protocol's default (-1) when the origin names none", () => {
    expect(sdkGateway("https://genesys-proxy.example.com/")).toMatchObject({ host: "genesys-proxy.example.com", protocol: "https", port: -1 });
  });
});
