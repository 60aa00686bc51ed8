-- Recompute term_totals (schema_terms.sql) over every report. Terms rows only ever come and go with their
-- report (etl/warehouse.py writes and deletes them together, checks/orphans.sql watches), so no join to
-- reports is needed. Run by etl/warehouse.py in refresh_aggregates only (after SQL that bypassed the write
-- methods): writes keep the totals in step themselves (schema_terms_delta.sql).
DELETE FROM term_totals;
INSERT INTO term_totals SELECT term, sum(n), count(*) FROM terms GROUP BY term;
