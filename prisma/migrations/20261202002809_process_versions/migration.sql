-- CreateTable
CREATE TABLE "ProcessVersion" (
    "orgId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "definition" JSONB NOT NULL,
    "definitionHash" TEXT NOT NULL,
    "stepCount" INTEGER NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProcessVersion_pkey" PRIMARY KEY ("orgId","name","version")
);

-- AddForeignKey
ALTER TABLE "ProcessVersion" ADD CONSTRAINT "ProcessVersion_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Versions are immutable: a running workflow pins one, so it must never change
-- under it. New content is a new version (an INSERT), and rows go only with their org.
-- The driver adapter runs a migration split at every semicolon, so the function
-- body (an E-string) spells its one semicolon as the octal escape 073.
CREATE FUNCTION "ProcessVersion_immutable"() RETURNS trigger LANGUAGE plpgsql
  AS E'BEGIN RAISE EXCEPTION ''process versions are immutable, store a new version instead'' USING ERRCODE = ''integrity_constraint_violation''\073 END';

CREATE TRIGGER "ProcessVersion_no_update" BEFORE UPDATE ON "ProcessVersion"
  FOR EACH ROW EXECUTE FUNCTION "ProcessVersion_immutable"();
