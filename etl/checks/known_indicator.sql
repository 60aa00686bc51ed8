-- Every fact names an indicator in the catalogue.
SELECT f.report_id, f.seq, f.indicator FROM facts f LEFT JOIN indicators i ON i.code = f.indicator
WHERE i.code IS NULL;
