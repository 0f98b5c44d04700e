ALTER TABLE `runs` ADD `pid_scope` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `owner` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `cancel_requested_at` text;