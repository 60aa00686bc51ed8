-- Level × agency type groups with a report in the chosen year under the filter, biggest first.
SELECT r.level, r.agency_type, count(*) AS reports
FROM v_reports r
WHERE r.year = $rank_year AND r.level IS NOT NULL AND r.agency_type IS NOT NULL AND {{report_filter}}
GROUP BY ALL
ORDER BY reports DESC, r.level, r.agency_type
