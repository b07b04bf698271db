// The panel snapshot as a zod schema, for the OpenAPI document. It mirrors
// lib/panel/panel-types.ts (which the browser bundle imports without zod); the
// compile-time check below fails if the two drift apart.
import { z } from "zod";
import { processPhases } from "@/lib/domain/process-machine";
import { taskStatuses, workflowStatuses } from "@/lib/domain/workflow-machine";
import { supportedLocales } from "@/lib/i18n/locales";
import type { PanelSnapshot } from "@/lib/panel/panel-types";

const escalationPath = z.enum(["FLOW", "CALLBACK", "NOTICE"]);

const processSchema = z.object({
  name: z.string(),
  version: z.int(),
  step: z.string(),
  step_title: z.string(),
  step_position: z.int(),
  step_count: z.int(),
  attempt: z.int(),
  phase: z.enum(processPhases),
  wake_at: z.iso.datetime().nullable(),
  ended: z.object({ outcome: z.string(), reason: z.string().nullable() }).nullable(),
  steps: z.array(
    z.object({
      step: z.string(),
      title: z.string(),
      position: z.int(),
      kind: z.enum(["task", "wait"]),
      outcome: z.enum(["running", "retrying", "succeeded", "failed", "timed_out", "escalated", "waiting", "woke", "cancelled"]),
      attempts: z.array(
        z.object({
          attempt: z.int(),
          task_id: z.string(),
          status: z.enum(taskStatuses),
          reason: z.string().nullable(),
          started_at: z.iso.datetime(),
          ended_at: z.iso.datetime().nullable(),
          retry_at: z.iso.datetime().nullable(),
        }),
      ),
      next_attempt: z.object({ attempt: z.int(), at: z.iso.datetime(), reason: z.string() }).nullable(),
      max_attempts: z.int(),
      wake_at: z.iso.datetime().nullable(),
      woke_at: z.iso.datetime().nullable(),
      escalated: z.object({ cause: z.string(), reason: z.string().nullable() }).nullable(),
      started_at: z.iso.datetime(),
      ended_at: z.iso.datetime().nullable(),
    }),
  ),
});

export const panelSnapshotSchema = z
  .object({
    conversation_id: z.string(),
    generated_at: z.iso.datetime(),
    workflows: z.array(
      z.object({
        workflow_id: z.string(),
        customer_id: z.string(),
        status: z.enum(workflowStatuses),
        version: z.int(),
        created_at: z.iso.datetime(),
        updated_at: z.iso.datetime(),
        session_state: z.string(),
        task: z
          .object({
            id: z.string(),
            type: z.string(),
            status: z.enum(taskStatuses),
            created_at: z.iso.datetime(),
            deadline_at: z.iso.datetime(),
            last_heartbeat_at: z.iso.datetime().nullable(),
            completed_at: z.iso.datetime().nullable(),
            timed_out_at: z.iso.datetime().nullable(),
            result_status: z.string().nullable(),
            success: z.boolean().nullable(),
            failure_reason: z.string().nullable(),
            late_result: z.boolean(),
            result_data: z.unknown(),
          })
          .nullable(),
        escalation: z.object({ path: escalationPath, at: z.iso.datetime(), callback_number: z.string().nullable(), callback_queue: z.string().nullable() }).nullable(),
        escalation_planned: escalationPath.nullable(),
        notice: z
          .object({
            state: z.enum(["sent", "open", "resolved"]),
            channel: z.enum(["sms", "email"]).nullable(),
            recipient: z.string().nullable(),
            reason: z.string().nullable(),
            resolution: z.string().nullable(),
            resolved_by: z.string().nullable(),
            at: z.iso.datetime(),
          })
          .nullable(),
        came_from: z.object({ kind: z.enum(["callback", "attribute"]), conversation_id: z.string().nullable() }).nullable(),
        delivery_failure: z
          .object({ kind: z.enum(["DISPATCH_TASK", "ESCALATE", "LATE_RESULT", "RESULT_FOLLOW_UP"]), error: z.string().nullable(), http_status: z.int().nullable(), at: z.iso.datetime() })
          .nullable(),
        specialist_queue: z.string().nullable(),
        process: processSchema.nullable(),
        events: z.array(
          z.object({
            id: z.string(),
            type: z.string(),
            from_status: z.string().nullable(),
            to_status: z.string().nullable(),
            actor: z.string(),
            created_at: z.iso.datetime(),
            data: z.record(z.string(), z.unknown()).nullable(),
          }),
        ),
        events_truncated: z.boolean(),
      }),
    ),
    task_type_names: z.record(z.string(), z.object({ all: z.string().nullable(), languages: z.partialRecord(z.enum(supportedLocales), z.string()) })),
  })
  .meta({ id: "PanelSnapshot" });

// Both directions: the schema accepts every PanelSnapshot and yields one.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inSync: Same<z.infer<typeof panelSnapshotSchema>, PanelSnapshot> = true;
void inSync;
