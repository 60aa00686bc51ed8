-- Per province, for the tile grid: the reports of the year $rank_year under the filter, and the median of the
-- best values (v_facts.best) of $indicator among those that state it: a median, never a sum of rates.
WITH best AS (
    SELECT f.report_id, f.value FROM v_facts f WHERE f.indicator = $indicator AND f.best
)
SELECT r.province, count(*) AS reports, count(b.value) AS stated, median(b.value) AS value
FROM v_reports r LEFT JOIN best b USING (report_id)
WHERE r.year = $rank_year AND r.province IS NOT NULL AND {{report_filter}}
GROUP BY r.province
ORDER BY r.province
