-- CreateTable
CREATE TABLE "Org" (
    "id" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "name" TEXT,
    "orchestratorUrl" TEXT,
    "genesysClientId" TEXT,
    "genesysClientSecretEnc" TEXT,
    "settings" JSONB NOT NULL DEFAULT '{}',
    "sourceCidrs" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Org_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiClient" (
    "id" TEXT NOT NULL,
    "orgId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "ApiClient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AccessToken" (
    "tokenHash" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "orgId" UUID NOT NULL,
    "scopes" TEXT[],
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AccessToken_pkey" PRIMARY KEY ("tokenHash")
);

-- CreateTable
CREATE TABLE "SigningSecret" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "secretEnc" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "SigningSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Workflow" (
    "orgId" UUID NOT NULL,
    "id" UUID NOT NULL,
    "customerId" TEXT NOT NULL,
    "conversationId" TEXT,
    "status" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "context" JSONB,
    "requestHash" TEXT NOT NULL,
    "initiatedAt" TIMESTAMP(3) NOT NULL,
    "deadlineAt" TIMESTAMP(3),
    "sessionState" TEXT NOT NULL DEFAULT 'UNKNOWN',
    "currentTaskId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Workflow_pkey" PRIMARY KEY ("orgId","id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "workflowId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "dispatch" BOOLEAN NOT NULL DEFAULT true,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "timeoutSeconds" INTEGER NOT NULL,
    "heartbeatTimeoutSeconds" INTEGER,
    "deadlineAt" TIMESTAMP(3) NOT NULL,
    "lastHeartbeatAt" TIMESTAMP(3),
    "callbackVersion" INTEGER NOT NULL,
    "resultStatus" TEXT,
    "resultData" JSONB,
    "failureReason" TEXT,
    "lateResult" BOOLEAN NOT NULL DEFAULT false,
    "completedAt" TIMESTAMP(3),
    "timedOutAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "id" BIGSERIAL NOT NULL,
    "orgId" UUID NOT NULL,
    "workflowId" UUID NOT NULL,
    "taskId" UUID,
    "type" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "version" INTEGER NOT NULL,
    "actor" TEXT NOT NULL,
    "requestId" TEXT,
    "data" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Delivery" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "workflowId" UUID,
    "taskId" UUID,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 8,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "lastStatus" INTEGER,
    "deliveredAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookReceipt" (
    "orgId" UUID NOT NULL,
    "webhookId" TEXT NOT NULL,
    "statusCode" INTEGER NOT NULL,
    "responseBody" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookReceipt_pkey" PRIMARY KEY ("orgId","webhookId")
);

-- CreateTable
CREATE TABLE "RateLimitBucket" (
    "key" TEXT NOT NULL,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateLimitBucket_pkey" PRIMARY KEY ("key","windowStart")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "orgId" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "data" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ApiClient_orgId_idx" ON "ApiClient"("orgId");

-- CreateIndex
CREATE INDEX "AccessToken_expiresAt_idx" ON "AccessToken"("expiresAt");

-- CreateIndex
CREATE INDEX "SigningSecret_orgId_idx" ON "SigningSecret"("orgId");

-- CreateIndex
CREATE INDEX "Workflow_id_idx" ON "Workflow"("id");

-- CreateIndex
CREATE INDEX "Workflow_orgId_conversationId_idx" ON "Workflow"("orgId", "conversationId");

-- CreateIndex
CREATE INDEX "Workflow_orgId_createdAt_idx" ON "Workflow"("orgId", "createdAt");

-- CreateIndex
CREATE INDEX "Workflow_orgId_status_createdAt_idx" ON "Workflow"("orgId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Workflow_orgId_customerId_idx" ON "Workflow"("orgId", "customerId");

-- CreateIndex
CREATE INDEX "Task_orgId_workflowId_idx" ON "Task"("orgId", "workflowId");

-- CreateIndex
CREATE INDEX "Task_status_deadlineAt_idx" ON "Task"("status", "deadlineAt");

-- CreateIndex
CREATE INDEX "Event_orgId_workflowId_id_idx" ON "Event"("orgId", "workflowId", "id");

-- CreateIndex
CREATE INDEX "Event_orgId_type_createdAt_idx" ON "Event"("orgId", "type", "createdAt");

-- CreateIndex
CREATE INDEX "Delivery_status_nextAttemptAt_idx" ON "Delivery"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "Delivery_orgId_status_createdAt_idx" ON "Delivery"("orgId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Delivery_taskId_idx" ON "Delivery"("taskId");

-- CreateIndex
CREATE INDEX "WebhookReceipt_createdAt_idx" ON "WebhookReceipt"("createdAt");

-- CreateIndex
CREATE INDEX "RateLimitBucket_windowStart_idx" ON "RateLimitBucket"("windowStart");

-- CreateIndex
CREATE INDEX "AuditEntry_orgId_createdAt_idx" ON "AuditEntry"("orgId", "createdAt");

-- AddForeignKey
ALTER TABLE "ApiClient" ADD CONSTRAINT "ApiClient_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccessToken" ADD CONSTRAINT "AccessToken_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "ApiClient"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SigningSecret" ADD CONSTRAINT "SigningSecret_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Workflow" ADD CONSTRAINT "Workflow_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_orgId_workflowId_fkey" FOREIGN KEY ("orgId", "workflowId") REFERENCES "Workflow"("orgId", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Event" ADD CONSTRAINT "Event_orgId_workflowId_fkey" FOREIGN KEY ("orgId", "workflowId") REFERENCES "Workflow"("orgId", "id") ON DELETE CASCADE ON UPDATE CASCADE;
