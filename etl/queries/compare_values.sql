-- The best value per report and indicator for the picked agencies (list $pick) under the filter.
SELECT r.agency, r.year, r.report_id, f.indicator, f.value, f.unit, f.approx, f.method, f.confidence, f.evidence
FROM v_facts f JOIN v_reports r USING (report_id)
WHERE list_contains($pick, r.agency) AND {{report_filter}}
QUALIFY row_number() OVER (
    PARTITION BY f.report_id, f.indicator
    ORDER BY CASE f.confidence WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
             CASE f.method WHEN 'reported' THEN 0 ELSE 1 END, f.seq) = 1
ORDER BY r.agency, r.year, f.indicator
