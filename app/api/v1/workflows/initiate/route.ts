// The path integrators following the common Genesys long-running guide call.
import { initiateWorkflowHandler } from "@/lib/http/workflow-handlers";

export const dynamic = "force-dynamic";
export const POST = initiateWorkflowHandler;
