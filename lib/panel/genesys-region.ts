// Which Genesys Cloud region the desktop that opened the panel lives in, from
// the interaction widget's gcHostOrigin (https://apps.<region>) or, failing
// that, gcTargetEnv (prod, prod-euw1, …).
//
// Genesys's own genesys-cloud-service-discovery-web (3.0.500) knows every
// stable deployment with its gcTargetEnv name (`name`) and domain, so the
// mapping comes from it and follows new regions with an update; `parse` reads
// gcHostOrigin. It is not worse than the old hand-written table but lacks one
// region the Platform SDK serves: the EU sovereign cloud edee1.eusc-pure.cloud
// (SDK PureCloudRegionHosts.eusc_de_east_1), added below. Its FedRAMP entry is
// named fedramp-use2-core (the old table said prod-use2; both are kept). Only regions Longrun serves (lib/orgs/create-org.ts)
// are answered.
import { getEnvironments, parse } from "genesys-cloud-service-discovery-web";
import { genesysRegions } from "@/lib/orgs/create-org";

export type GenesysRegion = (typeof genesysRegions)[number];

/** Deployments the library does not list yet (gcTargetEnv name → domain). */
const notInServiceDiscovery: Record<string, GenesysRegion> = { "prod-edee1": "edee1.eusc-pure.cloud", "prod-use2": "use2.us-gov-pure.cloud" };

function served(domain: string | undefined): GenesysRegion | null {
  return genesysRegions.find((r) => r === domain) ?? null;
}

const deployments = getEnvironments({ env: ["prod", "fedramp", "eusc"], status: ["stable"] });

export function regionFromDesktop(gcHostOrigin: string | null | undefined, gcTargetEnv: string | null | undefined): GenesysRegion | null {
  if (gcHostOrigin) {
    try {
      const host = new URL(gcHostOrigin).hostname.toLowerCase();
      const region = served(parse(`https://${host}`, { env: ["prod", "fedramp", "eusc"] })?.publicDomainName) ?? served(host.replace(/^apps\./, ""));
      if (region) return region;
    } catch {
      // Not a URL: fall through to gcTargetEnv.
    }
  }
  const env = gcTargetEnv?.trim().toLowerCase();
  if (!env) return null;
  return served(deployments.find((d) => d.name === env)?.publicDomainName) ?? notInServiceDiscovery[env] ?? null;
}

/** The desktop's own origin, when it is a real Genesys desktop (used as the toast target and for framing checks). */
export function desktopOrigin(gcHostOrigin: string | null | undefined): string | null {
  if (!gcHostOrigin) return null;
  try {
    const url = new URL(gcHostOrigin);
    return url.protocol === "https:" && served(url.hostname.replace(/^apps\./, "")) ? url.origin : null;
  } catch {
    return null;
  }
}
