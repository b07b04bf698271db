-- CreateTable
CREATE TABLE "SlaPeriod" (
    "orgId" UUID NOT NULL,
    "grain" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "taskType" TEXT NOT NULL,
    "dispatched" INTEGER NOT NULL DEFAULT 0,
    "results" INTEGER NOT NULL DEFAULT 0,
    "timedOut" INTEGER NOT NULL DEFAULT 0,
    "lateResults" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SlaPeriod_pkey" PRIMARY KEY ("orgId","grain","periodStart","taskType")
);

-- CreateTable
CREATE TABLE "SlaDurationBucket" (
    "orgId" UUID NOT NULL,
    "grain" TEXT NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "taskType" TEXT NOT NULL,
    "bucket" SMALLINT NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "SlaDurationBucket_pkey" PRIMARY KEY ("orgId","grain","periodStart","taskType","bucket")
);

-- CreateTable
CREATE TABLE "SlaRollupState" (
    "orgId" UUID NOT NULL,
    "rolledUpTo" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlaRollupState_pkey" PRIMARY KEY ("orgId")
);

-- AddForeignKey
ALTER TABLE "SlaPeriod" ADD CONSTRAINT "SlaPeriod_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlaDurationBucket" ADD CONSTRAINT "SlaDurationBucket_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlaRollupState" ADD CONSTRAINT "SlaRollupState_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE CASCADE ON UPDATE CASCADE;
