// Registers every delivery kind's handler. Import this module (for its
// effect) wherever the outbox is processed.
import { registerDeliveryHandler } from "@/lib/outbox/process-outbox";
import { deliverTaskDispatch } from "@/lib/outbox/dispatch-task";

registerDeliveryHandler("DISPATCH_TASK", deliverTaskDispatch);
