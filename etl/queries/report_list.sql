-- Reports under the filter, for the report reader's picker and the reports table.
SELECT r.report_id, r.title, r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year,
       r.published, r.on_time, r.needs_review, r.file_name, r.source,
       (SELECT count(*) FROM v_facts f WHERE f.report_id = r.report_id) AS facts
FROM v_reports r
WHERE {{report_filter}}
ORDER BY r.year DESC NULLS LAST, r.agency NULLS LAST, r.report_id
