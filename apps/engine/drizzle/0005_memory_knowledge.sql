CREATE TABLE IF NOT EXISTS "memory_items" (
	"namespace" text COLLATE "C" NOT NULL,
	"key" text COLLATE "C" NOT NULL,
	"value" jsonb NOT NULL,
	"embedding" real[],
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"ttl_minutes" double precision,
	CONSTRAINT "memory_items_pk" PRIMARY KEY ("namespace","key")
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "memory_items_expires_idx" ON "memory_items" USING btree ("expires_at") WHERE "memory_items"."expires_at" is not null;
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "knowledge_bases" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"embedding_model" text NOT NULL,
	"dimensions" integer NOT NULL,
	"chunk_size" integer NOT NULL,
	"chunk_overlap" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "knowledge_documents" (
	"id" text PRIMARY KEY NOT NULL,
	"knowledge_base_id" text NOT NULL REFERENCES "knowledge_bases"("id") ON DELETE CASCADE,
	"source" text NOT NULL,
	"content_type" text NOT NULL,
	"content" text NOT NULL,
	"content_hash" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"chunk_count" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_documents_source_unique" UNIQUE ("knowledge_base_id","source")
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "knowledge_chunks" (
	"document_id" text NOT NULL REFERENCES "knowledge_documents"("id") ON DELETE CASCADE,
	"idx" integer NOT NULL,
	"knowledge_base_id" text NOT NULL,
	"content" text NOT NULL,
	"start_offset" integer NOT NULL,
	"end_offset" integer NOT NULL,
	"line_from" integer NOT NULL,
	"line_to" integer NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"embedding" real[] NOT NULL,
	CONSTRAINT "knowledge_chunks_pk" PRIMARY KEY ("document_id","idx")
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "knowledge_chunks_kb_idx" ON "knowledge_chunks" USING btree ("knowledge_base_id");
