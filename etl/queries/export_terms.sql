-- Term counts per report under the filter (needs the keyword tables: etl/schema_terms.sql).
SELECT t.report_id, r.file_name, r.agency, r.year, t.term, t.n
FROM terms t JOIN v_reports r USING (report_id)
WHERE {{report_filter}}
ORDER BY r.year NULLS LAST, r.agency NULLS LAST, t.report_id, t.n DESC, t.term
