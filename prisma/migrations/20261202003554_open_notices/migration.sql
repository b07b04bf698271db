-- CreateTable
CREATE TABLE "Notice" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "workflowId" UUID NOT NULL,
    "taskId" UUID,
    "deliveryId" UUID NOT NULL,
    "conversationId" TEXT,
    "customerId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "channel" TEXT,
    "recipient" TEXT,
    "language" TEXT,
    "message" TEXT,
    "externalId" TEXT,
    "reason" TEXT,
    "resolvedBy" TEXT,
    "resolvedAt" TIMESTAMP(3),
    "resolution" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Notice_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Notice_orgId_status_createdAt_idx" ON "Notice"("orgId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Notice_orgId_workflowId_idx" ON "Notice"("orgId", "workflowId");

-- CreateIndex
CREATE UNIQUE INDEX "Notice_orgId_deliveryId_key" ON "Notice"("orgId", "deliveryId");
