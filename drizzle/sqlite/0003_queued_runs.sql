ALTER TABLE `runs` ADD `queued_at` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `options` text;