-- Review progress under the filter: facts per effective indicator, region and status (rejected and added
-- included), for the per-indicator and per-region progress bars.
WITH every_fact AS (
    SELECT report_id, COALESCE(new_indicator, indicator) AS indicator, status FROM v_facts_extracted
    UNION ALL
    SELECT report_id, indicator, status FROM v_facts WHERE status = 'added'
)
SELECT a.indicator, r.province, r.city, a.status, count(*) AS n
FROM every_fact a JOIN v_reports r USING (report_id)
WHERE {{report_filter}}
GROUP BY ALL
ORDER BY ALL
