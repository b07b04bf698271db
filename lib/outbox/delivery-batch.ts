// What the deliveries of one claimed batch share: the rows they all read.
// Fifty escalations of one org read its row (settings, credentials) once, not
// fifty times. Lives for one batch only, so a settings change reaches the
// next batch.
import { db } from "@/lib/db/client";
import type { Org } from "@/lib/generated/prisma/client";

export interface DeliveryBatch {
  org(orgId: string): Promise<Org | null>;
}

export function deliveryBatch(): DeliveryBatch {
  const orgs = new Map<string, Promise<Org | null>>();
  return {
    org(orgId) {
      let org = orgs.get(orgId);
      if (!org) {
        org = db().then((prisma) => prisma.org.findUnique({ where: { id: orgId } }));
        // A failed read is not remembered: the next delivery of the batch asks again.
        void org.catch(() => orgs.delete(orgId));
        orgs.set(orgId, org);
      }
      return org;
    },
  };
}
