CREATE TABLE IF NOT EXISTS "datasets" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "datasets_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "datasets_workflow_idx" ON "datasets" USING btree ("workflow_id","created_at");--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "test_cases" (
	"id" text PRIMARY KEY NOT NULL,
	"dataset_id" text NOT NULL,
	"name" text NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "test_cases_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "test_cases_dataset_idx" ON "test_cases" USING btree ("dataset_id","created_at","id");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "test_cases_tags_idx" ON "test_cases" USING gin ("tags");--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "experiments" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"workflow_id" text NOT NULL,
	"workflow_version" integer NOT NULL,
	"dataset_id" text NOT NULL,
	"concurrency" integer NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone,
	CONSTRAINT "experiments_workflow_id_workflows_id_fk" FOREIGN KEY ("workflow_id") REFERENCES "public"."workflows"("id") ON DELETE cascade ON UPDATE no action,
	CONSTRAINT "experiments_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "experiments_dataset_idx" ON "experiments" USING btree ("dataset_id","created_at");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "experiments_workflow_idx" ON "experiments" USING btree ("workflow_id","created_at");--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "experiment_results" (
	"experiment_id" text NOT NULL,
	"case_id" text NOT NULL,
	"position" integer NOT NULL,
	"case_name" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"run_id" text,
	"thread_id" text,
	"run_status" text,
	"score" double precision,
	"reason" text,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"cost_usd" double precision,
	"tokens" integer,
	"duration_ms" double precision,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" jsonb,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experiment_results_experiment_id_case_id_pk" PRIMARY KEY("experiment_id","case_id"),
	CONSTRAINT "experiment_results_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE cascade ON UPDATE no action
);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "experiment_results_run_idx" ON "experiment_results" USING btree ("run_id");
