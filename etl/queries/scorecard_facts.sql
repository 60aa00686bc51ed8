-- The best value (v_facts.best, the rule in schema.sql) of each indicator in list $codes for the reports of the
-- year $rank_year under the filter, with its sentence, span and review status: a scorecard item's evidence.
SELECT f.report_id, f.indicator, f.value, f.unit, f.approx, f.method, f.confidence, f.evidence,
       f.evidence_start, f.char_start, f.char_end, f.status, f.reviewer, f.extracted_value, f.n_values
FROM v_facts f JOIN v_reports r USING (report_id)
WHERE f.best AND list_contains($codes, f.indicator) AND r.year = $rank_year AND {{report_filter}}
ORDER BY f.report_id, f.indicator
