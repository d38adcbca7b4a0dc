-- Which process holds a worker id (WORKER_ID): a second live process started with the same id is refused.
ALTER TABLE "workers" ADD COLUMN "instance" text;--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "host" text;--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "pid" integer;