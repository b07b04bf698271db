// The AppFoundry checks of Genesys's premium-app example (MyPureCloud/purecloud-premium-app
// docs/wizard/config/config.js and scripts/main.js): the org must have the premium app's product —
// its integration type, listed by IntegrationsApi.getIntegrationsTypes — before anything is
// installed, and people use the app only while they hold its view permission
// (integration:<appId>:view). One setting, GENESYS_APPFOUNDRY_CHECKS=off, turns both off for a
// self-hosted Longrun that is not sold through AppFoundry.
import { env } from "@/lib/env";

export interface AppFoundryChecks {
  on: boolean;
  /** The premium app's integration type id (premium-app-example until Genesys assigns one). */
  typeId: string;
  /** integration:<appId>:view (integration:examplePremiumApp:view until then). */
  viewPermission: string;
}

export function appFoundry(): AppFoundryChecks {
  const e = env();
  return { on: e.GENESYS_APPFOUNDRY_CHECKS === "on", typeId: e.GENESYS_PREMIUM_APP_TYPE_ID, viewPermission: e.GENESYS_PREMIUM_APP_VIEW_PERMISSION };
}
