CREATE TABLE "mcp_oauth" (
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"server_url" text NOT NULL,
	"client_information" jsonb,
	"tokens" jsonb,
	"expires_at" text,
	"code_verifier" text,
	"issuer" text,
	"updated_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL,
	CONSTRAINT "mcp_oauth_user_id_name_pk" PRIMARY KEY("user_id","name")
);
--> statement-breakpoint
CREATE TABLE "mcp_servers" (
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"transport" text NOT NULL,
	"url" text,
	"headers" jsonb,
	"command" text,
	"args" jsonb,
	"env" jsonb,
	"trust" text DEFAULT 'none' NOT NULL,
	"oauth_client_id" text,
	"oauth_callback_port" integer,
	"created_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL,
	"updated_at" text DEFAULT (to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) NOT NULL,
	CONSTRAINT "mcp_servers_user_id_name_pk" PRIMARY KEY("user_id","name")
);
