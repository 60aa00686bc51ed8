-- Rate/count consistency failures under the filter.
SELECT c.report_id, r.agency, r.year, c.indicator, c.reported, c.computed, c.detail
FROM fact_checks c JOIN v_reports r USING (report_id)
WHERE {{report_filter}}
ORDER BY r.agency NULLS LAST, r.year, c.indicator
