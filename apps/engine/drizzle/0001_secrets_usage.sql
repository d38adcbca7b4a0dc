CREATE TABLE "secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"ciphertext" text NOT NULL,
	"key_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "run_events_model_call_idx" ON "run_events" USING btree ("ts") WHERE "run_events"."type" = 'node.progress' and "run_events"."payload"->>'kind' = 'model_call';