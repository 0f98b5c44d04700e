CREATE TABLE "auth_configs" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"toolkit_slug" text NOT NULL,
	"auth_scheme" text,
	"status" text NOT NULL,
	"updated_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connected_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"auth_config_id" text NOT NULL,
	"provider" text NOT NULL,
	"status" text NOT NULL,
	"updated_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mcp_connections" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"provider" text NOT NULL,
	"connected_account_id" text,
	"url" text,
	"headers" jsonb,
	"status" text NOT NULL,
	"updated_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oauth_pending" (
	"state" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"provider" text NOT NULL,
	"auth_config_id" text,
	"connected_account_id" text,
	"redirect_url" text,
	"callback_url" text,
	"created_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL,
	"expires_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run_steps" (
	"run_id" text NOT NULL,
	"idx" integer NOT NULL,
	"kind" text NOT NULL,
	"plan" text,
	"action" jsonb,
	"outcome" jsonb,
	"reflection" text,
	"duration_ms" integer,
	"approval" jsonb,
	CONSTRAINT "run_steps_run_id_idx_pk" PRIMARY KEY("run_id","idx")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"task" text NOT NULL,
	"status" text NOT NULL,
	"model" text NOT NULL,
	"controller" text NOT NULL,
	"started_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL,
	"finished_at" text,
	"summary" text,
	"pid" integer,
	"host" text,
	"heartbeat_at" text
);
--> statement-breakpoint
CREATE TABLE "step_artifacts" (
	"run_id" text NOT NULL,
	"idx" integer NOT NULL,
	"kind" text NOT NULL,
	"media_type" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"screen_width" integer NOT NULL,
	"screen_height" integer NOT NULL,
	"bytes" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL,
	CONSTRAINT "step_artifacts_run_id_idx_kind_pk" PRIMARY KEY("run_id","idx","kind")
);
--> statement-breakpoint
CREATE TABLE "sync_state" (
	"user_id" text NOT NULL,
	"provider" text NOT NULL,
	"last_synced_at" text NOT NULL,
	"last_status" text NOT NULL,
	CONSTRAINT "sync_state_user_id_provider_pk" PRIMARY KEY("user_id","provider")
);
--> statement-breakpoint
CREATE TABLE "tool_approvals" (
	"user_id" text NOT NULL,
	"server" text NOT NULL,
	"tool" text NOT NULL,
	"digest" text NOT NULL,
	"definition" jsonb NOT NULL,
	"origin" text NOT NULL,
	"created_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL,
	CONSTRAINT "tool_approvals_user_id_server_tool_pk" PRIMARY KEY("user_id","server","tool")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD CONSTRAINT "connected_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connected_accounts" ADD CONSTRAINT "connected_accounts_auth_config_id_auth_configs_id_fk" FOREIGN KEY ("auth_config_id") REFERENCES "public"."auth_configs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mcp_connections" ADD CONSTRAINT "mcp_connections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "run_steps" ADD CONSTRAINT "run_steps_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_artifacts" ADD CONSTRAINT "step_artifacts_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connected_accounts_user_auth_config" ON "connected_accounts" USING btree ("user_id","auth_config_id");--> statement-breakpoint
CREATE INDEX "connected_accounts_user_provider" ON "connected_accounts" USING btree ("user_id","provider");--> statement-breakpoint
CREATE UNIQUE INDEX "mcp_connections_user_provider" ON "mcp_connections" USING btree ("user_id","provider");--> statement-breakpoint
CREATE INDEX "oauth_pending_user_provider" ON "oauth_pending" USING btree ("user_id","provider");--> statement-breakpoint
CREATE INDEX "runs_user_started" ON "runs" USING btree ("user_id","started_at");--> statement-breakpoint
CREATE INDEX "runs_status" ON "runs" USING btree ("status");