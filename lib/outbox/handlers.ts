// Registers every delivery kind's handler. Import this module (for its
// effect) wherever the outbox is processed.
import { registerDeliveryHandler } from "@/lib/outbox/process-outbox";
import { deliverTaskDispatch } from "@/lib/outbox/dispatch-task";
import { deliverEscalation, deliverResultFollowUp } from "@/lib/escalation/escalation-handlers";

registerDeliveryHandler("DISPATCH_TASK", deliverTaskDispatch);
registerDeliveryHandler("ESCALATE", deliverEscalation);
registerDeliveryHandler("LATE_RESULT", deliverResultFollowUp);
registerDeliveryHandler("RESULT_FOLLOW_UP", deliverResultFollowUp);
