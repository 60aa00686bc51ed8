"""ETL: report files to typed records to the DuckDB warehouse."""
