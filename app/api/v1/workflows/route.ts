import { routeMethods } from "@/lib/http/api-route";
import { initiateWorkflowRoute } from "@/lib/http/workflow-handlers";

export const dynamic = "force-dynamic";

export const { GET, HEAD, OPTIONS, POST, PUT, PATCH, DELETE } = routeMethods({ POST: initiateWorkflowRoute("initiateWorkflow") });
