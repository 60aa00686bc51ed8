-- One row per report under the filter, for the agency × year coverage matrix (missing cells are built by ui).
SELECT r.agency, r.year, r.report_id, r.on_time, r.published, r.level, r.agency_type, r.province, r.city
FROM v_reports r
WHERE {{report_filter}}
ORDER BY r.agency NULLS LAST, r.year NULLS LAST, r.report_id
