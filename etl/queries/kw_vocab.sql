-- Every term in the filtered reports with its total count, for the term pickers (most frequent first).
-- Without a filter the precomputed term_totals give the same counts without adding up every terms row.
SELECT term, n FROM (
    SELECT term, n FROM term_totals WHERE {{unfiltered}}
    UNION ALL
    SELECT t.term, CAST(sum(t.n) AS BIGINT) AS n
    FROM v_terms t JOIN v_reports r USING (report_id)
    WHERE NOT {{unfiltered}} AND {{report_filter}}
    GROUP BY t.term
)
ORDER BY n DESC, term
LIMIT $limit
