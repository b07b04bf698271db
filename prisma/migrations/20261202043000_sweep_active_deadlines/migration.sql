-- The timeout sweep reads the deadlines of active tasks only (issue 17, item 5).
-- The old index held every task by (status, deadlineAt): the sweep walked it
-- per status and every settled task stayed in it. The partial index holds the
-- active ones: lib/db/status-checks.ts (activeDeadlineIndexSql) builds it from
-- the domain list, and test/api/status-checks.test.ts compares the two.
-- (deadlineAt, id) is the order of the claim and of its keyset.
DROP INDEX IF EXISTS "Task_status_deadlineAt_idx";
CREATE INDEX "Task_active_deadlineAt_idx" ON "Task" ("deadlineAt", "id") WHERE "status" IN ('QUEUED', 'ACCEPTED');
