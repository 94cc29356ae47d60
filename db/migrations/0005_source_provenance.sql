ALTER TABLE "releases" ADD COLUMN "source_dirty" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "source_changes_hash" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "source_dirty" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "source_changes_hash" text;