-- Low-confidence facts under the filter.
SELECT f.report_id, r.agency, r.year, f.indicator, f.value, f.unit, f.evidence, f.rule
FROM v_facts f JOIN v_reports r USING (report_id)
WHERE f.confidence = 'low' AND {{report_filter}}
ORDER BY r.agency NULLS LAST, r.year, f.seq
