CREATE TABLE "entities" (
	"id" serial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"slug" text NOT NULL,
	"locale" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entities_type_slug_locale" UNIQUE("type","slug","locale")
);
--> statement-breakpoint
CREATE TABLE "entity_drafts" (
	"entity_id" integer PRIMARY KEY NOT NULL,
	"document" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"source_file" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entity_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"entity_id" integer NOT NULL,
	"version" integer NOT NULL,
	"state" text NOT NULL,
	"document" jsonb,
	"content_hash" text NOT NULL,
	"change_note" text NOT NULL,
	"source_file" text NOT NULL,
	"release_number" integer NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entity_versions_entity_version" UNIQUE("entity_id","version")
);
--> statement-breakpoint
CREATE TABLE "version_codes" (
	"version_id" integer NOT NULL,
	"system" text NOT NULL,
	"code" text NOT NULL,
	"display" text NOT NULL,
	"verified" boolean NOT NULL,
	CONSTRAINT "version_codes_version_id_system_code_pk" PRIMARY KEY("version_id","system","code")
);
--> statement-breakpoint
CREATE TABLE "version_links" (
	"version_id" integer NOT NULL,
	"target_type" text NOT NULL,
	"target_slug" text NOT NULL,
	CONSTRAINT "version_links_version_id_target_type_target_slug_pk" PRIMARY KEY("version_id","target_type","target_slug")
);
--> statement-breakpoint
CREATE TABLE "version_sources" (
	"version_id" integer NOT NULL,
	"source_id" text NOT NULL,
	CONSTRAINT "version_sources_version_id_source_id_pk" PRIMARY KEY("version_id","source_id")
);
--> statement-breakpoint
CREATE TABLE "release_entries" (
	"release_number" integer NOT NULL,
	"entity_id" integer NOT NULL,
	"version_id" integer NOT NULL,
	CONSTRAINT "release_entries_release_number_entity_id_pk" PRIMARY KEY("release_number","entity_id")
);
--> statement-breakpoint
CREATE TABLE "releases" (
	"number" integer PRIMARY KEY NOT NULL,
	"change_note" text NOT NULL,
	"source_commit" text,
	"manifest_hash" text NOT NULL,
	"entity_count" integer NOT NULL,
	"stats" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"release_number" integer NOT NULL,
	"entity_id" integer NOT NULL,
	"type" text NOT NULL,
	"slug" text NOT NULL,
	"locale" text NOT NULL,
	"action" text NOT NULL,
	"version" integer NOT NULL,
	"hash_before" text,
	"hash_after" text NOT NULL,
	"source_file" text NOT NULL,
	"source_commit" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sources" (
	"id" text PRIMARY KEY NOT NULL,
	"data" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "entity_drafts" ADD CONSTRAINT "entity_drafts_entity_id_entities_id_fk" FOREIGN KEY ("entity_id") REFERENCES "public"."entities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entity_versions" ADD CONSTRAINT "entity_versions_entity_id_entities_id_fk" FOREIGN KEY ("entity_id") REFERENCES "public"."entities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "version_codes" ADD CONSTRAINT "version_codes_version_id_entity_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."entity_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "version_links" ADD CONSTRAINT "version_links_version_id_entity_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."entity_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "version_sources" ADD CONSTRAINT "version_sources_version_id_entity_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."entity_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_entries" ADD CONSTRAINT "release_entries_release_number_releases_number_fk" FOREIGN KEY ("release_number") REFERENCES "public"."releases"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_entries" ADD CONSTRAINT "release_entries_entity_id_entities_id_fk" FOREIGN KEY ("entity_id") REFERENCES "public"."entities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "release_entries" ADD CONSTRAINT "release_entries_version_id_entity_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."entity_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_release_number_releases_number_fk" FOREIGN KEY ("release_number") REFERENCES "public"."releases"("number") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_entity_id_entities_id_fk" FOREIGN KEY ("entity_id") REFERENCES "public"."entities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "version_codes_lookup" ON "version_codes" USING btree ("system","code");--> statement-breakpoint
CREATE INDEX "release_entries_version" ON "release_entries" USING btree ("version_id");--> statement-breakpoint
CREATE INDEX "audit_log_entity" ON "audit_log" USING btree ("entity_id");