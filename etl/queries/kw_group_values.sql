-- The values of dimension $dim among the filtered reports, with report counts (choices for distinctive terms).
SELECT CASE $dim WHEN 'agency' THEN r.agency WHEN 'province' THEN r.province WHEN 'city' THEN r.city
                 WHEN 'agency_type' THEN r.agency_type WHEN 'level' THEN r.level
                 WHEN 'year' THEN CAST(r.year AS VARCHAR) END AS value,
       count(*) AS reports
FROM v_reports r WHERE {{report_filter}}
GROUP BY ALL HAVING value IS NOT NULL
ORDER BY reports DESC, value
