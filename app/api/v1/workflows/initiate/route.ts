// The path integrators following the common Genesys long-running guide call.
import { routeMethods } from "@/lib/http/api-route";
import { initiateWorkflowRoute } from "@/lib/http/workflow-handlers";
import { registerDirectRoute } from "@/lib/http/direct-routes";

export const dynamic = "force-dynamic";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: initiateWorkflowRoute("initiateWorkflowAlias") });
// On the call path (an Architect data action): `npm start` serves it without Next's router once Next has loaded this module.
registerDirectRoute("POST", "/api/v1/workflows/initiate", POST);
