import { adminRoute } from "@/lib/auth/admin-route";
import { json, routeMethods } from "@/lib/http/api-route";
import { installComplete, installState, installSteps } from "@/lib/genesys/install-steps";

/** Where the install stands: the latest outcome of each step, by step id (titles are the catalogues' wizard.steps.<id>). */
const get = adminRoute(async ({ admin }) => {
  const state = await installState(admin.orgId);
  return json({
    installed: admin.installed,
    complete: installComplete(state),
    steps: installSteps.map((step) => ({ step, result: state[step] ?? null })),
  });
}, { allowUninstalled: true });

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ GET: get });
