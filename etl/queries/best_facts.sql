-- One value per report for one indicator under the filter (v_facts.best: the rule lives in schema.sql). Trends
-- and rankings use it, so a report that repeats a number is not counted twice; status, reviewer, the extracted
-- value and n_values travel with it.
SELECT r.report_id, r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year, r.source,
       f.indicator, f.value, f.unit, f.approx, f.method, f.confidence, f.evidence, f.seq,
       f.status, f.reviewer, f.extracted_value, f.n_values
FROM v_facts f JOIN v_reports r USING (report_id)
WHERE f.indicator = $indicator AND f.best AND {{report_filter}}
ORDER BY r.agency NULLS LAST, r.year
