-- Every number users see keeps its source: evidence that is the report text at its span, with the number inside
-- ($ids: the reports an ingest wrote, NULL for all).
SELECT f.report_id, f.seq, f.status, f.evidence
FROM v_facts f JOIN reports r USING (report_id)
WHERE ($ids IS NULL OR list_contains($ids, f.report_id))
  AND (f.evidence IS NULL OR length(f.evidence) = 0
       OR substring(r.raw_text, f.evidence_start + 1, length(f.evidence)) <> f.evidence
       OR f.char_start < f.evidence_start
       OR f.char_end > f.evidence_start + length(f.evidence));
