-- Every term in the filtered reports with its total count, for the term pickers (most frequent first).
SELECT t.term, CAST(sum(t.n) AS BIGINT) AS n
FROM v_terms t JOIN v_reports r USING (report_id)
WHERE {{report_filter}}
GROUP BY t.term
ORDER BY n DESC, t.term
LIMIT $limit
