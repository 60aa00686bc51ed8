-- For a warehouse built before term_totals existed and opened read-only (so it cannot gain the table): the
-- same totals, computed live, as a view private to the reading connection.
CREATE OR REPLACE TEMP VIEW term_totals AS
SELECT term, CAST(sum(n) AS BIGINT) AS n, count(*) AS reports FROM terms GROUP BY term
