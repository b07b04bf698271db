// The Platform SDK's own browser build in the panel, loaded the way Genesys
// documents it for the web: a classic <script> of
// dist/web-cjs/purecloud-platform-client-v2.min.js, then `require('platformClient')`
// (purecloud-platform-client-v2 README, "Web"). That file is a browserify bundle
// that defines a global `require`; a bundler cannot import it (its package.json
// "browser" field points at it), and the SDK's sources need Node modules. So
// neither the server nor the client JavaScript bundle contains the SDK: the
// panel fetches the file from its own origin (app/panel/platform-sdk/[file]/route.ts,
// served from node_modules, same version as the server uses) when it signs in.
import sdkPackage from "purecloud-platform-client-v2/package.json";
import { sdkGateway, type SdkGateway } from "@/lib/genesys/sdk-gateway";

export const platformSdkVersion: string = sdkPackage.version;
export const platformSdkFile = "purecloud-platform-client-v2.min.js";
export const platformSdkPath = `/panel/platform-sdk/${platformSdkVersion}/${platformSdkFile}`;

/** AuthData as the SDK keeps it (ApiClient.authData; index.d.ts AuthData). */
export interface SdkAuthData {
  accessToken?: string;
  /** Epoch ms. */
  tokenExpiryTime?: number;
  state?: string;
}

/** The SDK's AuthPopupConfiguration (README "Popup Authentication"). */
export interface SdkAuthPopupConfiguration {
  usePopup?: boolean;
  popupTimeout?: number;
  notifyPopup?: boolean;
  autoClosePopup?: boolean;
  autoClosePopupDelay?: number;
  popupTarget?: string;
  popupWindowFeatures?: string;
  usePopupIdentifier?: boolean;
}

/** The parts of ApiClient (src/purecloud-platform-client-v2/ApiClient.js, v262) the panel uses. */
export interface SdkApiClient {
  setEnvironment(environment: string): void;
  setGateway(gateway: SdkGateway): void;
  setPersistSettings(persist: boolean, prefix?: string): void;
  loginPKCEGrant(clientId: string, redirectUri: string, opts?: { state?: string; authPopupConfiguration?: SdkAuthPopupConfiguration }, codeVerifier?: string): Promise<SdkAuthData>;
  authorizePKCEGrant(clientId: string, codeVerifier: string, authCode: string, redirectUri: string): Promise<SdkAuthData>;
  authData: SdkAuthData;
}

export interface PlatformSdk {
  ApiClientClass: new () => SdkApiClient;
}

let loading: Promise<PlatformSdk> | null = null;

/** Loads the SDK's browser build once per document. */
export function loadPlatformSdk(src = platformSdkPath): Promise<PlatformSdk> {
  loading ??= new Promise<PlatformSdk>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.onload = () => {
      const requireFromBundle = (window as unknown as { require?: (name: string) => PlatformSdk }).require;
      const sdk = requireFromBundle?.("platformClient");
      if (sdk?.ApiClientClass) resolve(sdk);
      else reject(new Error("the Platform SDK did not register platformClient"));
    };
    script.onerror = () => reject(new Error(`could not load the Platform SDK from ${src}`));
    document.head.append(script);
  }).catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

/**
 * A client of its own for one region (the SDK's default instance is shared; the panel may need a
 * fresh one per popup attempt, see pkce-sign-in.ts). `gateway` is GENESYS_LOGIN_BASE_URL when set
 * (a stand-in serving login and API on one origin), as lib/genesys/genesys-client.ts does server-side.
 */
export function newBrowserApiClient(sdk: PlatformSdk, region: string, gateway: string | null): SdkApiClient {
  const client = new sdk.ApiClientClass();
  client.setEnvironment(region);
  if (gateway) client.setGateway(sdkGateway(gateway));
  return client;
}
