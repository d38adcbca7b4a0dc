ALTER TABLE "experiments" ADD COLUMN IF NOT EXISTS "driver" text;--> statement-breakpoint
ALTER TABLE "experiments" ADD COLUMN IF NOT EXISTS "lease_until" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "experiments_running_lease_idx" ON "experiments" USING btree ("lease_until") WHERE "status" = 'running';
