-- Reports under the filter, for the report reader's picker and the reports table.
WITH n AS (SELECT report_id, count(*) AS facts FROM v_facts GROUP BY report_id)
SELECT r.report_id, r.title, r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year,
       r.published, r.on_time, r.needs_review, r.file_name, r.source, COALESCE(n.facts, 0) AS facts
FROM v_reports r LEFT JOIN n USING (report_id)
WHERE {{report_filter}}
ORDER BY r.year DESC NULLS LAST, r.agency NULLS LAST, r.report_id
