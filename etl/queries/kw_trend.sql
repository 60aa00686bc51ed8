-- Mentions of the chosen $terms per 10,000 characters by year, split by $split ('province', 'agency_type',
-- 'level' or anything else for no split). Every (term, year, group) with reports appears, 0 when unmentioned.
WITH rep AS (
    SELECT r.report_id, r.year, r.char_count,
           CASE $split WHEN 'province' THEN r.province WHEN 'agency_type' THEN r.agency_type
                       WHEN 'level' THEN r.level ELSE '' END AS grp
    FROM v_reports r WHERE {{report_filter}} AND r.year IS NOT NULL
), base AS (
    SELECT year, grp, count(*) AS reports, sum(char_count) AS chars FROM rep GROUP BY year, grp
), hits AS (
    SELECT t.term, rep.year, rep.grp, sum(t.n) AS n, count(*) AS reports_with
    FROM v_terms t JOIN rep USING (report_id)
    WHERE list_contains($terms, t.term)
    GROUP BY t.term, rep.year, rep.grp
), chosen AS (
    SELECT DISTINCT unnest($terms) AS term
)
SELECT c.term, b.year, b.grp, CAST(COALESCE(h.n, 0) AS BIGINT) AS n, COALESCE(h.reports_with, 0) AS reports_with,
       b.reports, CAST(b.chars AS BIGINT) AS chars, round(COALESCE(h.n, 0) * 10000.0 / nullif(b.chars, 0), 2) AS per_10k
FROM base b CROSS JOIN chosen c
LEFT JOIN hits h ON h.term = c.term AND h.year = b.year AND h.grp IS NOT DISTINCT FROM b.grp
ORDER BY c.term, b.grp NULLS LAST, b.year
