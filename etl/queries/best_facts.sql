-- One value per report for one indicator under the filter: the most confident, reported before derived,
-- first in the text. Trends and rankings use it, so a report that repeats a number is not counted twice.
SELECT r.report_id, r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year, r.source,
       f.indicator, f.value, f.unit, f.approx, f.method, f.confidence, f.evidence, f.seq
FROM v_facts f JOIN v_reports r USING (report_id)
WHERE f.indicator = $indicator AND {{report_filter}}
QUALIFY row_number() OVER (
    PARTITION BY f.report_id
    ORDER BY CASE f.confidence WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
             CASE f.method WHEN 'reported' THEN 0 ELSE 1 END, f.seq) = 1
ORDER BY r.agency NULLS LAST, r.year
