-- CreateTable
CREATE TABLE "backfill_checkpoints" (
    "job" TEXT NOT NULL,
    "run" INTEGER NOT NULL DEFAULT 1,
    "last_key" BIGINT NOT NULL DEFAULT 0,
    "rows_done" BIGINT NOT NULL DEFAULT 0,
    "batches" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "backfill_checkpoints_pkey" PRIMARY KEY ("job")
);

-- CreateTable
CREATE TABLE "backfill_batches" (
    "job" TEXT NOT NULL,
    "run" INTEGER NOT NULL,
    "batch" INTEGER NOT NULL,
    "from_key" BIGINT NOT NULL,
    "to_key" BIGINT NOT NULL,
    "rows" INTEGER NOT NULL,
    "ms" INTEGER NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backfill_batches_pkey" PRIMARY KEY ("job","run","batch")
);

-- CreateIndex
CREATE UNIQUE INDEX "backfill_batches_job_run_from_key_key" ON "backfill_batches"("job", "run", "from_key");
