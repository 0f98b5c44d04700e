ALTER TABLE `runs` ADD `idempotency_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `runs_user_idempotency_key` ON `runs` (`user_id`,`idempotency_key`);