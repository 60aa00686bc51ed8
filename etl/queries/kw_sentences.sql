-- The sentences (split at 。!?; and line breaks, as etl/sentences.py does) of the filtered reports that contain
-- $term: the input of co-occurrence counting, done on the fly (ui/keyword_data.py). At most $limit sentences.
WITH docs AS (
    SELECT r.report_id, r.year, row_number() OVER (ORDER BY r.year NULLS LAST, r.report_id) AS rn
    FROM v_reports r
    WHERE {{report_filter}} AND length($term) > 0
      AND r.report_id IN (SELECT report_id FROM reports WHERE contains(raw_text, $term))
), picked AS (
    -- A report that holds $term has a sentence that holds it (trim cannot cut into a term without edge
    -- spaces), so the first $limit such reports hold the first $limit sentences: only they are split.
    SELECT d.report_id, d.year, s.raw_text AS txt FROM docs d JOIN reports s USING (report_id)
    WHERE d.rn <= $limit OR $term <> trim($term)
), sents AS (
    SELECT report_id, year, trim(unnest(regexp_split_to_array(txt, '[。!?;\n]'))) AS sentence,
           generate_subscripts(regexp_split_to_array(txt, '[。!?;\n]'), 1) AS i
    FROM picked
)
SELECT report_id, sentence FROM sents
WHERE contains(sentence, $term)
ORDER BY year NULLS LAST, report_id, i
LIMIT $limit
