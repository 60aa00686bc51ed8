-- Reports flagged for review (unknown metadata) under the filter; the filter cannot hide reports whose
-- filtered fields are unknown, so those always show when no value filter excludes them.
SELECT r.report_id, r.file_name, r.title, r.agency, r.year, r.province, r.review_reasons
FROM v_reports r
WHERE r.needs_review AND {{report_filter}}
ORDER BY r.year NULLS LAST, r.file_name
