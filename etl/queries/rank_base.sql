-- Every report of the peer group (one level and agency type) in the chosen year and the year before, with its
-- best value for the indicator or NULL: a report that states no value is shown as missing, not dropped.
WITH best AS (
    SELECT f.report_id, f.value, f.unit, f.approx, f.method, f.confidence, f.evidence, f.status, f.reviewer,
           f.extracted_value, f.n_values, f.seq
    FROM v_facts f
    WHERE f.indicator = $indicator AND f.best  -- the rule: schema.sql, v_facts_live
)
SELECT r.report_id, r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year,
       b.value, b.unit, b.approx, b.method, b.confidence, b.evidence, b.status, b.reviewer, b.extracted_value,
       b.n_values, b.seq
FROM v_reports r LEFT JOIN best b USING (report_id)
WHERE r.year IN ($rank_year, $rank_year - 1)
  AND ($peer_level IS NULL OR r.level = $peer_level)
  AND ($peer_type IS NULL OR r.agency_type = $peer_type)
  AND r.agency IS NOT NULL
  AND {{report_filter}}
ORDER BY r.agency, r.year
