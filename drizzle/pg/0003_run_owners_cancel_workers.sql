CREATE TABLE "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" text NOT NULL,
	"seen_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "pid_scope" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "cancel_requested_at" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "exit_code" integer;