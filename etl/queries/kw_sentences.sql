-- The sentences (split at 。!?; and line breaks, as etl/sentences.py does) of the filtered reports that contain
-- $term: the input of co-occurrence counting, done on the fly (ui/keyword_data.py). At most $limit sentences.
WITH docs AS (
    SELECT r.report_id, r.year, s.raw_text AS txt
    FROM v_reports r JOIN reports s USING (report_id)
    WHERE {{report_filter}} AND length($term) > 0 AND contains(s.raw_text, $term)
), sents AS (
    SELECT report_id, year, trim(unnest(regexp_split_to_array(txt, '[。!?;\n]'))) AS sentence FROM docs
)
SELECT report_id, sentence FROM sents
WHERE contains(sentence, $term)
ORDER BY year NULLS LAST, report_id
LIMIT $limit
