-- Published history is append-only: the database itself refuses to rewrite it (reliability G1, G4).
CREATE OR REPLACE FUNCTION kca_refuse_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'KCA_IMMUTABLE: % on % is not allowed; published history is append-only', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER entity_versions_immutable BEFORE UPDATE OR DELETE ON "entity_versions"
  FOR EACH ROW EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER releases_immutable BEFORE UPDATE OR DELETE ON "releases"
  FOR EACH ROW EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER release_entries_immutable BEFORE UPDATE OR DELETE ON "release_entries"
  FOR EACH ROW EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_immutable BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER version_codes_immutable BEFORE UPDATE OR DELETE ON "version_codes"
  FOR EACH ROW EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER version_links_immutable BEFORE UPDATE OR DELETE ON "version_links"
  FOR EACH ROW EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER version_sources_immutable BEFORE UPDATE OR DELETE ON "version_sources"
  FOR EACH ROW EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER entity_versions_no_truncate BEFORE TRUNCATE ON "entity_versions"
  FOR EACH STATEMENT EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER releases_no_truncate BEFORE TRUNCATE ON "releases"
  FOR EACH STATEMENT EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER release_entries_no_truncate BEFORE TRUNCATE ON "release_entries"
  FOR EACH STATEMENT EXECUTE FUNCTION kca_refuse_history_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION kca_refuse_history_change();
