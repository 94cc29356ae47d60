-- How a published document becomes the texts of the search index, in SQL so that this backfill and the
-- publisher (search-repository.ts indexVersion) share one definition. The texts are plain and HTML-escaped:
-- a ts_headline of them can only contain the <mark> markers the API adds.
CREATE OR REPLACE FUNCTION kca_search_plain(markdown text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT replace(replace(replace(replace(replace(
    btrim(regexp_replace(
      regexp_replace(
        regexp_replace(
          regexp_replace(
            regexp_replace(
              regexp_replace(coalesce(markdown, ''), '<!--.*?-->', ' ', 'g'),
              '</?[A-Za-z][^<>]*>', ' ', 'g'),
            '!?\[([^]]*)\]\([^)]*\)', '\1', 'g'),
          '^[ \t]*(#{1,6}|>|[-*+]|[0-9]+[.)])[ \t]+', '', 'gn'),
        '[*_`~|]+', ' ', 'g'),
      '\s+', ' ', 'g')),
    '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
$$;
--> statement-breakpoint
-- Weight A: the title and its synonyms (a search for "TEPT" or "PTSD" should find the condition first).
CREATE OR REPLACE FUNCTION kca_search_title(document jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT kca_search_plain(concat_ws(' ', document->>'title',
    (SELECT string_agg(name, ' ') FROM jsonb_array_elements_text(coalesce(document->'alsoKnownAs', '[]'::jsonb)) AS names(name))))
$$;
--> statement-breakpoint
-- Weight C: every section (heading and body, in order) and the type-specific prose a reader would search for.
CREATE OR REPLACE FUNCTION kca_search_body(document jsonb) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT kca_search_plain(concat_ws(' ',
    (SELECT string_agg(concat_ws(' ', section->>'heading', section->>'body'), ' ' ORDER BY position)
      FROM jsonb_array_elements(coalesce(document->'sections', '[]'::jsonb)) WITH ORDINALITY AS sections(section, position)),
    document->>'mitigation',
    (SELECT string_agg(step, ' ') FROM jsonb_array_elements_text(coalesce(document->'steps', '[]'::jsonb)) AS steps(step)),
    (SELECT string_agg(target, ' ') FROM jsonb_array_elements_text(coalesce(document->'targets', '[]'::jsonb)) AS targets(target))))
$$;
--> statement-breakpoint
-- Versions published before this migration: index them now, exactly as the publisher indexes new ones.
INSERT INTO "version_search" ("version_id", "language", "title_text", "summary_text", "body_text")
SELECT v."id", CASE e."locale" WHEN 'es' THEN 'spanish' ELSE 'english' END,
  kca_search_title(v."document"), kca_search_plain(v."document"->>'summary'), kca_search_body(v."document")
FROM "entity_versions" v JOIN "entities" e ON e."id" = v."entity_id"
WHERE v."state" = 'published' AND v."document" IS NOT NULL
ON CONFLICT ("version_id") DO NOTHING;
