CREATE TABLE `tool_approvals` (
	`user_id` text NOT NULL,
	`server` text NOT NULL,
	`tool` text NOT NULL,
	`digest` text NOT NULL,
	`definition` text NOT NULL,
	`origin` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`user_id`, `server`, `tool`)
);
--> statement-breakpoint
ALTER TABLE `run_steps` ADD `approval` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `pid` integer;--> statement-breakpoint
ALTER TABLE `runs` ADD `host` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `heartbeat_at` text;--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`);