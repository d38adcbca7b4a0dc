ALTER TABLE "runs" ADD COLUMN IF NOT EXISTS "lease_until" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN IF NOT EXISTS "worker" text;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "runs_lease_idx" ON "runs" USING btree ("lease_until") WHERE "status" = 'running';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "runs_owner_idx" ON "runs" USING btree ("owner") WHERE "status" = 'running';
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "workers" (
	"id" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"concurrency" integer NOT NULL,
	"active" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
