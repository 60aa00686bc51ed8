-- Term counts inside one group ($dim = $value) and in the rest of the filtered reports: the input of the
-- log-odds ratio (ui/keyword_data.py). $exclude: terms to hide. Without a filter the rest is term_totals
-- minus the group, so only the group's terms rows are added up.
WITH rep AS (
    SELECT r.report_id,
           COALESCE(CASE $dim WHEN 'agency' THEN r.agency WHEN 'province' THEN r.province WHEN 'city' THEN r.city
                              WHEN 'agency_type' THEN r.agency_type WHEN 'level' THEN r.level
                              WHEN 'year' THEN CAST(r.year AS VARCHAR) END = $value, false) AS target
    FROM v_reports r WHERE {{report_filter}}
), filtered AS (
    SELECT t.term, sum(t.n) FILTER (WHERE rep.target) AS n_target, sum(t.n) FILTER (WHERE NOT rep.target) AS n_rest,
           count(*) FILTER (WHERE rep.target) AS reports_target, count(*) FILTER (WHERE NOT rep.target) AS reports_rest
    FROM v_terms t JOIN rep USING (report_id)
    WHERE NOT {{unfiltered}} AND NOT list_contains($exclude, t.term)
    GROUP BY t.term
), grp AS (
    SELECT t.term, sum(t.n) AS n, count(*) AS reports
    FROM v_terms t JOIN rep USING (report_id)
    WHERE {{unfiltered}} AND rep.target
    GROUP BY t.term
), whole AS (
    SELECT a.term, g.n AS n_target, a.n - COALESCE(g.n, 0) AS n_rest, COALESCE(g.reports, 0) AS reports_target,
           a.reports - COALESCE(g.reports, 0) AS reports_rest
    FROM term_totals a LEFT JOIN grp g USING (term)
    WHERE {{unfiltered}} AND NOT list_contains($exclude, a.term)
)
SELECT term, CAST(COALESCE(n_target, 0) AS BIGINT) AS n_target, CAST(COALESCE(n_rest, 0) AS BIGINT) AS n_rest,
       reports_target, reports_rest
FROM (FROM filtered UNION ALL FROM whole)
ORDER BY term
