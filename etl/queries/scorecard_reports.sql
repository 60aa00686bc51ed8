-- The reports a scorecard scores: every report of the year $rank_year under the filter, with the compliance
-- flags (four parts, on-time publication) as the effective (review-corrected) view gives them.
SELECT r.report_id, r.agency, r.level, r.agency_type, r.province, r.city, r.year, r.published, r.published_src,
       r.on_time, r.has_achievements, r.has_problems, r.has_first_responsible, r.has_next_year_plan,
       r.status AS review_status, r.reviewer, r.file_name, r.source, r.meta_evidence,
       (SELECT count(*) FROM v_sections s WHERE s.report_id = r.report_id) AS n_sections
FROM v_reports r
WHERE r.year = $rank_year AND {{report_filter}}
ORDER BY r.agency NULLS LAST, r.report_id
