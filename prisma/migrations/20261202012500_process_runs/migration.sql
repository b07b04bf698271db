-- Workflows that run a process (lib/domain/process-machine.ts): the pinned
-- version, where the run is, and the durable timer of retries and waits.
ALTER TABLE "Workflow" ADD COLUMN "processName" TEXT,
ADD COLUMN "processVersion" INTEGER,
ADD COLUMN "currentStep" TEXT,
ADD COLUMN "stepIndex" INTEGER,
ADD COLUMN "stepCount" INTEGER,
ADD COLUMN "attempt" INTEGER,
ADD COLUMN "processPhase" TEXT,
ADD COLUMN "wakeAt" TIMESTAMP(3),
ADD COLUMN "stepResults" JSONB;

-- Each task of a process is one attempt of one step.
ALTER TABLE "Task" ADD COLUMN "step" TEXT,
ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 1;

-- The process sweep reads due rows only (WHERE "wakeAt" <= now ORDER BY "wakeAt").
CREATE INDEX "Workflow_wakeAt_idx" ON "Workflow"("wakeAt");

-- A workflow pins a version that exists (NO ACTION: checked at the end of an org's cascading delete).
ALTER TABLE "Workflow" ADD CONSTRAINT "Workflow_orgId_processName_processVersion_fkey" FOREIGN KEY ("orgId", "processName", "processVersion") REFERENCES "ProcessVersion"("orgId", "name", "version") ON DELETE NO ACTION ON UPDATE CASCADE;

ALTER TABLE "Workflow" ADD CONSTRAINT "Workflow_processPhase_check" CHECK ("processPhase" IN ('RUNNING', 'RETRY', 'WAIT', 'ESCALATING', 'ENDED'));
