// What the deliveries of one claimed batch share: the rows they all read.
// Fifty escalations of one org read its row (settings, credentials) once, not
// fifty times, and the batch's tasks with their workflows come in one round
// trip (loadTasks), not one each. Lives for one batch only, so a settings
// change reaches the next batch.
import { db } from "@/lib/db/client";
import type { Delivery, Org } from "@/lib/generated/prisma/client";
import { activeSigningSecrets } from "@/lib/webhooks/signing-secrets";
import { loadTasks, type LoadedTask } from "@/lib/workflows/workflow-store";

export interface DeliveryBatch {
  org(orgId: string): Promise<Org | null>;
  /** The delivery's task with its workflow and the workflow's current task; null when either is gone. */
  task(delivery: Delivery): Promise<LoadedTask | null>;
  /** The org's active signing secrets, opened (an org's dispatches sign with the same ones). */
  signingSecrets(orgId: string): Promise<Array<{ id: string; secret: string }>>;
}

/** Remembers a read per key; a failed read is not remembered, so the next delivery of the batch asks again. */
function once<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const reads = new Map<string, Promise<T>>();
  return (key) => {
    let value = reads.get(key);
    if (!value) {
      value = read(key);
      void value.catch(() => reads.delete(key));
      reads.set(key, value);
    }
    return value;
  };
}

/** `deliveries`: the claimed batch, whose tasks are read together on the first ask. */
export function deliveryBatch(deliveries: readonly Delivery[] = []): DeliveryBatch {
  const refs = deliveries.flatMap((d) => (d.taskId && d.workflowId ? [{ id: d.id, orgId: d.orgId, workflowId: d.workflowId, taskId: d.taskId }] : []));
  let inBatch: Promise<Map<string, LoadedTask | null>> | null = null;
  // Read on the first ask; a failed read is not remembered either.
  const batchTasks = () =>
    (inBatch ??= (async () => {
      const loaded = await loadTasks(await db(), refs);
      return new Map(refs.map((ref, i) => [ref.id, loaded[i] ?? null]));
    })().catch((error: unknown) => {
      inBatch = null;
      throw error;
    }));
  const org = once(async (orgId) => (await db()).org.findUnique({ where: { id: orgId } }));
  return {
    org,
    async task(delivery) {
      if (!delivery.taskId || !delivery.workflowId) return null;
      const tasks = await batchTasks();
      if (tasks.has(delivery.id)) return tasks.get(delivery.id) ?? null;
      // A delivery outside the claimed batch (a test, a re-drive by hand) reads its own.
      const [own] = await loadTasks(await db(), [{ orgId: delivery.orgId, workflowId: delivery.workflowId, taskId: delivery.taskId }]);
      return own ?? null;
    },
    signingSecrets: once(activeSigningSecrets),
  };
}
