-- The evidence is the exact report text at its span, and the number lies inside the evidence. An ingest binds
-- $ids to the reports it wrote (`etl check` binds NULL: every report).
SELECT f.report_id, f.seq, f.evidence
FROM facts f JOIN reports r USING (report_id)
WHERE ($ids IS NULL OR list_contains($ids, f.report_id))
  AND (substring(r.raw_text, f.evidence_start + 1, length(f.evidence)) <> f.evidence
       OR f.char_start < f.evidence_start
       OR f.char_end > f.evidence_start + length(f.evidence));
