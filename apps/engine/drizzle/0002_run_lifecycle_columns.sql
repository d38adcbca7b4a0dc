ALTER TABLE "runs" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "attempt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "recoveries" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "owner" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "command" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "interrupts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "paused" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "breakpoints" jsonb;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "cancel_requested" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- Interrupted runs stored before these columns existed: their interrupts, pause and breakpoints come from the trace.
UPDATE "runs" SET
  "interrupts" = coalesce((SELECT e."payload"->'interrupts' FROM "run_events" e WHERE e."run_id" = "runs"."id" AND e."type" = 'run.interrupted' ORDER BY e."seq" DESC LIMIT 1), '[]'::jsonb),
  "paused" = (SELECT e."payload"->'paused' FROM "run_events" e WHERE e."run_id" = "runs"."id" AND e."type" = 'run.interrupted' ORDER BY e."seq" DESC LIMIT 1)
WHERE "status" = 'interrupted';--> statement-breakpoint
UPDATE "runs" SET
  "breakpoints" = (SELECT e."payload"->'breakpoints' FROM "run_events" e WHERE e."run_id" = "runs"."id" AND e."type" = 'run.started' ORDER BY e."seq" LIMIT 1)
WHERE "status" NOT IN ('completed', 'failed', 'cancelled');
