-- Reports under the filter for export (no raw text).
SELECT r.report_id, r.file_name, r.title, r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year,
       r.published, r.on_time, r.has_achievements, r.has_problems, r.has_first_responsible, r.has_next_year_plan,
       r.char_count, r.needs_review, r.review_reasons, r.source, r.url
FROM v_reports r
WHERE {{report_filter}}
ORDER BY r.year NULLS LAST, r.agency NULLS LAST, r.report_id
