-- Every report of the peer group (one level and agency type) in the chosen year and the year before, with its
-- best value for the indicator or NULL: a report that states no value is shown as missing, not dropped.
WITH best AS (
    SELECT f.report_id, f.value, f.unit, f.approx, f.method, f.confidence, f.evidence
    FROM v_facts f
    WHERE f.indicator = $indicator
    QUALIFY row_number() OVER (
        PARTITION BY f.report_id
        ORDER BY CASE f.confidence WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
                 CASE f.method WHEN 'reported' THEN 0 ELSE 1 END, f.seq) = 1
)
SELECT r.report_id, r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year,
       b.value, b.unit, b.approx, b.method, b.confidence, b.evidence
FROM v_reports r LEFT JOIN best b USING (report_id)
WHERE r.year IN ($rank_year, $rank_year - 1)
  AND ($peer_level IS NULL OR r.level = $peer_level)
  AND ($peer_type IS NULL OR r.agency_type = $peer_type)
  AND r.agency IS NOT NULL
  AND {{report_filter}}
ORDER BY r.agency, r.year
