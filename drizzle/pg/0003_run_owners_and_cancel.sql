ALTER TABLE "runs" ADD COLUMN "pid_scope" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "cancel_requested_at" text;