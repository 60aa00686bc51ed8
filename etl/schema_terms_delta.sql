-- Keep term_totals (schema_terms.sql) equal to `SELECT term, sum(n), count(*) FROM terms GROUP BY term` without
-- reading every terms row: add ($sign = 1) the counts of reports just written, or subtract ($sign = -1) those of
-- reports about to be deleted. {{rows}} is the terms rows of those reports (etl/warehouse_terms.py puts in a
-- constant relation, never user text). A term whose last report goes leaves the table, as a recount would drop it.
MERGE INTO term_totals t
USING (SELECT term, $sign * sum(n) AS n, $sign * count(*) AS reports FROM {{rows}} GROUP BY term) d
ON t.term = d.term
WHEN MATCHED AND t.reports + d.reports <= 0 THEN DELETE
WHEN MATCHED THEN UPDATE SET n = t.n + d.n, reports = t.reports + d.reports
WHEN NOT MATCHED THEN INSERT (term, n, reports) VALUES (d.term, d.n, d.reports)
