-- CreateTable
CREATE TABLE "ConversationEnd" (
    "orgId" UUID NOT NULL,
    "conversationId" TEXT NOT NULL,
    "endedAt" TIMESTAMP(3) NOT NULL,
    "customerAddress" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ConversationEnd_pkey" PRIMARY KEY ("orgId","conversationId")
);
