// The Platform SDK's ApiClient.setGateway argument for a stand-in that serves
// login and API on one origin (browser tests, a sandbox proxy): host, protocol
// and port of that origin, no login/api path prefixes
// (purecloud-platform-client-v2 ApiClient.js setGateway). Pure, so the server
// client (lib/genesys/genesys-client.ts) and the panel's browser client
// (lib/panel/platform-sdk.ts) share it.
export interface SdkGateway {
  host: string;
  protocol: string;
  port: number;
  path_params_login: string;
  path_params_api: string;
}

export function sdkGateway(origin: string): SdkGateway {
  const url = new URL(origin);
  return { host: url.hostname, protocol: url.protocol.replace(":", ""), port: url.port ? Number(url.port) : -1, path_params_login: "", path_params_api: "" };
}
