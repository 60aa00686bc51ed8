-- Term counts inside one group ($dim = $value) and in the rest of the filtered reports: the input of the
-- log-odds ratio (ui/keyword_data.py). $exclude: terms to hide.
WITH rep AS (
    SELECT r.report_id,
           COALESCE(CASE $dim WHEN 'agency' THEN r.agency WHEN 'province' THEN r.province WHEN 'city' THEN r.city
                              WHEN 'agency_type' THEN r.agency_type WHEN 'level' THEN r.level
                              WHEN 'year' THEN CAST(r.year AS VARCHAR) END = $value, false) AS target
    FROM v_reports r WHERE {{report_filter}}
)
SELECT t.term,
       CAST(COALESCE(sum(t.n) FILTER (WHERE rep.target), 0) AS BIGINT) AS n_target,
       CAST(COALESCE(sum(t.n) FILTER (WHERE NOT rep.target), 0) AS BIGINT) AS n_rest,
       count(*) FILTER (WHERE rep.target) AS reports_target,
       count(*) FILTER (WHERE NOT rep.target) AS reports_rest
FROM v_terms t JOIN rep USING (report_id)
WHERE NOT list_contains($exclude, t.term)
GROUP BY t.term
ORDER BY t.term
