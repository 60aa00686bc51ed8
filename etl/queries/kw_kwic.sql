-- Keyword in context: every occurrence of $term (exact substring) in the filtered reports' stored text, with
-- $width characters either side (line breaks shown as spaces). total = all occurrences, before $limit.
WITH counts AS (
    -- Occurrences per report, counted in the text scan itself, so no text travels through the joins below.
    -- Both counts are non-overlapping, left to right (as string_split below): RE2's search for the escaped
    -- literal is 2-4x faster than replace() on a phrase and needs no contains() pass first (measured at
    -- 100,000 reports, bench/bench_scale_terms.py), but slower for one character with millions of matches.
    SELECT report_id, (strlen(raw_text) - strlen(replace(raw_text, $term, ''))) // strlen($term) AS k
    FROM reports WHERE length($term) = 1 AND contains(raw_text, $term)
    UNION ALL
    SELECT report_id, k FROM (
        SELECT report_id, length(regexp_extract_all(raw_text, regexp_escape($term))) AS k
        FROM reports WHERE length($term) > 1)
    WHERE k > 0
), ranked AS (
    SELECT r.report_id, r.agency, r.year, r.file_name, c.k,
           sum(c.k) OVER (ORDER BY r.year NULLS LAST, r.agency NULLS LAST, r.report_id ROWS UNBOUNDED PRECEDING)
           - c.k AS before, sum(c.k) OVER () AS total
    FROM v_reports r JOIN counts c USING (report_id)
    WHERE {{report_filter}}
), docs AS (
    -- Only the reports that hold the first $limit occurrences are read and split below: counting is cheap,
    -- splitting every text that mentions a common term is not.
    SELECT d.*, s.raw_text AS txt FROM ranked d JOIN reports s USING (report_id) WHERE d.before < $limit
), pieces AS (
    SELECT report_id, agency, year, file_name, txt, total, len(string_split(txt, $term)) AS n_parts,
           unnest(string_split(txt, $term)) AS part, generate_subscripts(string_split(txt, $term), 1) AS i
    FROM docs
), hits AS (
    -- occurrence i starts after pieces 1..i and i-1 copies of the term
    SELECT *, CAST(sum(length(part)) OVER (PARTITION BY report_id ORDER BY i) + (i - 1) * length($term)
                   AS INTEGER) AS char_start
    FROM pieces
)
SELECT report_id, agency, year, file_name, char_start,
       replace(substring(txt, greatest(char_start - $width, 0) + 1, char_start - greatest(char_start - $width, 0)),
               chr(10), ' ') AS left_ctx,
       $term AS keyword,
       replace(substring(txt, char_start + length($term) + 1, $width), chr(10), ' ') AS right_ctx,
       CAST(total AS BIGINT) AS total
FROM hits WHERE i < n_parts
ORDER BY year NULLS LAST, agency NULLS LAST, report_id, char_start
LIMIT $limit
