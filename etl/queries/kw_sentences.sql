-- The sentences (split at 。!?; and line breaks, as etl/sentences.py does) of the filtered reports that contain
-- $term: the input of co-occurrence counting, done on the fly (ui/keyword_data.py). At most $limit sentences.
-- Only the sentences holding $term are cut out of a text (one regular expression: the run of non-delimiters
-- around each occurrence, so a sentence holding the term twice comes out once), not every sentence of it. A
-- term holding a delimiter is in no sentence. Reports are read in order in two rounds: the first 200 (a common
-- term fills $limit from them), then the rest up to $limit only when the first fell short. The rounds decide
-- how much text is read, never what comes out.
WITH docs AS (
    SELECT r.report_id, r.year, row_number() OVER (ORDER BY r.year NULLS LAST, r.report_id) AS rn
    FROM v_reports r
    WHERE {{report_filter}} AND length($term) > 0 AND NOT regexp_matches($term, '[。!?;\n]')
      AND r.report_id IN (
          -- RE2's search for the escaped literal finds a phrase in 90-150 ms at 100,000 reports, where contains()
          -- takes up to 470 ms on some needles; contains() stays faster for one character.
          SELECT report_id FROM reports WHERE length($term) = 1 AND contains(raw_text, $term)
          UNION ALL
          SELECT report_id FROM reports WHERE length($term) > 1 AND regexp_extract(raw_text, regexp_escape($term)) <> '')
), picked AS (
    -- A report that holds $term has a sentence that holds it (trim cannot cut into a term without edge
    -- spaces), so the first $limit such reports hold the first $limit sentences.
    SELECT d.report_id, d.year, d.rn, s.raw_text AS txt FROM docs d JOIN reports s USING (report_id)
    WHERE d.rn <= $limit OR $term <> trim($term)
), first_round AS MATERIALIZED (
    SELECT report_id, year, trim(unnest(m)) AS sentence, generate_subscripts(m, 1) AS i
    FROM (SELECT report_id, year,
                 regexp_extract_all(txt, '[^。!?;\n]*' || regexp_escape($term) || '[^。!?;\n]*') AS m
          FROM picked WHERE rn <= 200)
), second_round AS (
    SELECT report_id, year, trim(unnest(m)) AS sentence, generate_subscripts(m, 1) AS i
    FROM (SELECT report_id, year,
                 regexp_extract_all(txt, '[^。!?;\n]*' || regexp_escape($term) || '[^。!?;\n]*') AS m
          FROM picked
          WHERE rn > 200 AND (SELECT count(*) FROM first_round WHERE contains(sentence, $term)) < $limit)
), sents AS (
    SELECT * FROM first_round UNION ALL SELECT * FROM second_round
)
SELECT report_id, sentence FROM sents
WHERE contains(sentence, $term)
ORDER BY year NULLS LAST, report_id, i
LIMIT $limit
