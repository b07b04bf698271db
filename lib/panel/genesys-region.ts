// Which Genesys Cloud region the desktop that opened the panel lives in, from
// the interaction widget's gcHostOrigin (https://apps.<region>) or, failing
// that, gcTargetEnv (prod, prod-euw1, …).
import { genesysRegions } from "@/lib/orgs/create-org";

export type GenesysRegion = (typeof genesysRegions)[number];

/** gcTargetEnv names of the regions whose domain does not carry the short name. */
const targetEnvRegions: Record<string, GenesysRegion> = {
  prod: "mypurecloud.com",
  "prod-euw1": "mypurecloud.ie",
  "prod-apse2": "mypurecloud.com.au",
  "prod-apne1": "mypurecloud.jp",
  "prod-euc1": "mypurecloud.de",
  "prod-use2": "use2.us-gov-pure.cloud",
  "prod-edee1": "edee1.eusc-pure.cloud",
};

function known(domain: string): GenesysRegion | null {
  return genesysRegions.find((r) => r === domain) ?? null;
}

export function regionFromDesktop(gcHostOrigin: string | null | undefined, gcTargetEnv: string | null | undefined): GenesysRegion | null {
  if (gcHostOrigin) {
    try {
      const host = new URL(gcHostOrigin).hostname.toLowerCase();
      const region = known(host.replace(/^apps\./, ""));
      if (region) return region;
    } catch {
      // Not a URL: fall through to gcTargetEnv.
    }
  }
  const env = gcTargetEnv?.trim().toLowerCase();
  if (!env) return null;
  if (targetEnvRegions[env]) return targetEnvRegions[env];
  const short = /^prod-([a-z]+\d)$/.exec(env)?.[1];
  return short ? known(`${short}.pure.cloud`) : null;
}

/** The desktop's own origin, when it is a real Genesys desktop (used as the toast target and for framing checks). */
export function desktopOrigin(gcHostOrigin: string | null | undefined): string | null {
  if (!gcHostOrigin) return null;
  try {
    const url = new URL(gcHostOrigin);
    return url.protocol === "https:" && known(url.hostname.replace(/^apps\./, "")) ? url.origin : null;
  } catch {
    return null;
  }
}
