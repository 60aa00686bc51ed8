-- Corrections that no longer apply as made, so a reviewer must look again (a new correction or a withdraw
-- settles them): the report is gone (report_missing), its text no longer reads as it did (text_changed), no
-- extracted fact sits at the span with that indicator (fact_missing), or the extractor now gives another
-- value than the one an override was made against (meta_changed). Only each item's latest correction counts.
WITH latest AS (
    SELECT c.* FROM corrections c
    QUALIFY row_number() OVER (PARTITION BY report_id, target, field, indicator, char_start, char_end
                               ORDER BY created_at DESC, correction_id DESC) = 1
), checked AS (
    SELECT l.*, r.report_id IS NOT NULL AS report_ok,
           l.target = 'fact' AND NOT COALESCE(
               substring(r.raw_text, l.char_start + 1, l.char_end - l.char_start) = l.span_text
               AND (l.evidence_start IS NULL
                    OR substring(r.raw_text, l.evidence_start + 1, length(l.evidence)) = l.evidence), false)
               AS text_changed,
           l.target = 'fact' AND NOT COALESCE(fc.has_add, false) AND NOT EXISTS (
               SELECT 1 FROM facts f WHERE f.report_id = l.report_id AND f.indicator = l.indicator
                                       AND f.char_start = l.char_start AND f.char_end = l.char_end) AS fact_missing,
           l.target = 'report' AND l.old_text <> COALESCE(CASE l.field
               WHEN 'agency' THEN r.agency WHEN 'agency_type' THEN r.agency_type WHEN 'level' THEN r.level
               WHEN 'province' THEN r.province WHEN 'city' THEN r.city WHEN 'county' THEN r.county
               WHEN 'year' THEN CAST(r.year AS VARCHAR) WHEN 'published' THEN CAST(r.published AS VARCHAR)
               WHEN 'url' THEN r.url END, '') AS meta_changed
    FROM latest l
    LEFT JOIN reports r ON r.report_id = l.report_id AND r.content_hash = l.content_hash
    LEFT JOIN v_fact_corrections fc ON l.target = 'fact' AND fc.report_id = l.report_id
         AND fc.key_indicator = l.indicator AND fc.char_start = l.char_start AND fc.char_end = l.char_end
    WHERE l.action <> 'withdraw'
)
SELECT CASE WHEN NOT report_ok THEN 'report_missing' WHEN text_changed THEN 'text_changed'
            WHEN fact_missing THEN 'fact_missing' ELSE 'meta_changed' END AS problem,
       correction_id, uid, report_id, content_hash, target, field, indicator, char_start, char_end, action,
       new_text, new_value, new_unit, new_indicator, old_text, evidence, evidence_start, span_text, reviewer,
       reason, created_at
FROM checked
WHERE NOT report_ok OR text_changed OR fact_missing OR meta_changed
ORDER BY created_at, correction_id
