CREATE TABLE "version_search" (
	"version_id" integer PRIMARY KEY NOT NULL,
	"language" text NOT NULL,
	"title_text" text NOT NULL,
	"summary_text" text NOT NULL,
	"body_text" text NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (CASE "language" WHEN 'spanish' THEN setweight(to_tsvector('spanish'::regconfig, "title_text"), 'A') || setweight(to_tsvector('spanish'::regconfig, "summary_text"), 'B') || setweight(to_tsvector('spanish'::regconfig, "body_text"), 'C') ELSE setweight(to_tsvector('english'::regconfig, "title_text"), 'A') || setweight(to_tsvector('english'::regconfig, "summary_text"), 'B') || setweight(to_tsvector('english'::regconfig, "body_text"), 'C') END) STORED NOT NULL,
	CONSTRAINT "version_search_language" CHECK ("version_search"."language" in ('english', 'spanish'))
);
--> statement-breakpoint
ALTER TABLE "version_search" ADD CONSTRAINT "version_search_version_id_entity_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."entity_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "version_search_vector" ON "version_search" USING gin ("search_vector");