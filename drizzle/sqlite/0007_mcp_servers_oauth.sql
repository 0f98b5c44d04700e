CREATE TABLE `mcp_oauth` (
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`server_url` text NOT NULL,
	`client_information` text,
	`tokens` text,
	`expires_at` text,
	`code_verifier` text,
	`issuer` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`user_id`, `name`)
);
--> statement-breakpoint
CREATE TABLE `mcp_servers` (
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`transport` text NOT NULL,
	`url` text,
	`headers` text,
	`command` text,
	`args` text,
	`env` text,
	`trust` text DEFAULT 'none' NOT NULL,
	`oauth_client_id` text,
	`oauth_callback_port` integer,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`user_id`, `name`)
);
