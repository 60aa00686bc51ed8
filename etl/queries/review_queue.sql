-- The review queue under the filter (optionally one report), most important first: unreviewed facts that
-- rankings and trends pick (priority 0), low-confidence facts (1), facts behind a consistency failure (2),
-- reports with unknown metadata (3), every other unreviewed fact (4). A fact shows once, at its top reason.
WITH rep AS (
    SELECT r.* FROM v_reports r
    WHERE {{report_filter}} AND ($report_id IS NULL OR r.report_id = $report_id)
), fx AS (
    SELECT f.* FROM v_facts_extracted f WHERE f.report_id IN (SELECT report_id FROM rep)
), best AS (
    -- The values rankings and trends pick (v_facts.best), among reports that can be placed in a peer group.
    SELECT f.report_id, f.seq FROM v_facts f JOIN rep r USING (report_id)
    WHERE f.best AND r.agency IS NOT NULL AND r.level IS NOT NULL AND r.agency_type IS NOT NULL
      AND r.year IS NOT NULL
), items AS (
    SELECT 0 AS priority, 'ranked' AS kind, f.report_id, f.seq, '' AS detail
    FROM fx f JOIN best b USING (report_id, seq) WHERE f.status = 'extracted'
    UNION ALL
    SELECT 1, 'low_confidence', f.report_id, f.seq, f.rule FROM fx f
    WHERE f.status = 'extracted' AND f.confidence = 'low'
    UNION ALL
    SELECT 2, 'check', f.report_id, f.seq, c.detail
    FROM fx f JOIN fact_checks c ON c.report_id = f.report_id AND c.indicator = f.indicator
    WHERE f.status = 'extracted'
    UNION ALL
    SELECT 4, 'other', f.report_id, f.seq, '' FROM fx f WHERE f.status = 'extracted'
), one AS (
    SELECT * FROM items QUALIFY row_number() OVER (PARTITION BY report_id, seq ORDER BY priority, detail) = 1
)
SELECT i.priority, i.kind, f.report_id, f.file_name, f.agency, f.year, f.province, f.city, f.seq, f.indicator,
       f.value, f.unit, f.confidence, f.method, f.evidence, f.evidence_start, f.char_start, f.char_end, i.detail
FROM one i JOIN fx f USING (report_id, seq)
UNION ALL
SELECT 3, 'metadata', r.report_id, r.file_name, r.agency, r.year, r.province, r.city, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, r.review_reasons
FROM rep r WHERE r.needs_review
ORDER BY priority, agency NULLS LAST, year NULLS LAST, report_id, char_start NULLS FIRST
