-- Rates are percentages between 0 and 100.
SELECT f.report_id, f.seq, f.indicator, f.value FROM facts f JOIN indicators i ON i.code = f.indicator
WHERE i.kind = 'rate' AND (f.value < 0 OR f.value > 100);
