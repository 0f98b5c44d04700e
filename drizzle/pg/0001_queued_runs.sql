ALTER TABLE "runs" ADD COLUMN "queued_at" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "options" jsonb;