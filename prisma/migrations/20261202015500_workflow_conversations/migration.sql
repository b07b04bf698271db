-- CreateTable
CREATE TABLE "WorkflowConversation" (
    "orgId" UUID NOT NULL,
    "conversationId" TEXT NOT NULL,
    "workflowId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "fromConversationId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkflowConversation_pkey" PRIMARY KEY ("orgId","conversationId","workflowId")
);

-- CreateIndex
CREATE INDEX "WorkflowConversation_orgId_workflowId_idx" ON "WorkflowConversation"("orgId", "workflowId");
