-- What users see (v_facts: extracted values with reviewers' corrections applied) follows the same rules as the
-- extracted facts: a known indicator, in its unit, rates within 0-100, no negative counts.
SELECT f.report_id, f.seq, f.indicator, f.value, f.unit, f.status
FROM v_facts f LEFT JOIN indicators i ON i.code = f.indicator
WHERE i.code IS NULL
   OR f.unit <> i.unit
   OR (i.kind = 'rate' AND (f.value < 0 OR f.value > 100))
   OR (i.kind <> 'rate' AND f.value < 0);
