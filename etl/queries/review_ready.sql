-- 1 when the warehouse has the corrections table, 0 for one built before the review feature.
SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'corrections' AND database_name = current_database()
