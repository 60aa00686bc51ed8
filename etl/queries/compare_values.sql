-- The best value per report and indicator (v_facts.best) for the picked agencies (list $pick) under the filter.
SELECT r.agency, r.year, r.report_id, f.indicator, f.value, f.unit, f.approx, f.method, f.confidence, f.evidence,
       f.status, f.reviewer, f.extracted_value, f.n_values, f.seq
FROM v_facts f JOIN v_reports r USING (report_id)
WHERE list_contains($pick, r.agency) AND f.best AND {{report_filter}}
ORDER BY r.agency, r.year, f.indicator
