-- Top terms under the filter: raw count, per 10,000 characters of the filtered reports, share of reports
-- mentioning the term. $exclude: terms to hide (the genre stopword list when switched on); $limit rows.
-- Without a filter the precomputed term_totals stand in for adding up every terms row.
WITH rep AS (
    SELECT r.report_id, r.char_count FROM v_reports r WHERE {{report_filter}}
), base AS (
    SELECT count(*) AS reports, sum(char_count) AS chars FROM rep
), agg AS (
    SELECT term, n, reports AS reports_with FROM term_totals
    WHERE {{unfiltered}} AND NOT list_contains($exclude, term)
    UNION ALL
    SELECT t.term, sum(t.n) AS n, count(*) AS reports_with
    FROM v_terms t JOIN rep USING (report_id)
    WHERE NOT {{unfiltered}} AND NOT list_contains($exclude, t.term)
    GROUP BY t.term
)
SELECT a.term, CAST(a.n AS BIGINT) AS n, round(a.n * 10000.0 / nullif(b.chars, 0), 2) AS per_10k,
       a.reports_with AS reports, round(a.reports_with / b.reports, 4) AS share
FROM agg a CROSS JOIN base b
ORDER BY a.n DESC, a.reports_with DESC, a.term
LIMIT $limit
