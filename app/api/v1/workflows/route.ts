import { initiateWorkflowHandler } from "@/lib/http/workflow-handlers";

export const dynamic = "force-dynamic";
export const POST = initiateWorkflowHandler;
