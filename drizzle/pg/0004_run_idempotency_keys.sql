ALTER TABLE "runs" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
CREATE UNIQUE INDEX "runs_user_idempotency_key" ON "runs" USING btree ("user_id","idempotency_key");