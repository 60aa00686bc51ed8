-- The headings that settled each of the four required parts, for the reports of the year $rank_year under the
-- filter: the evidence of a compliance item.
SELECT s.report_id, s.part, s.heading, s.char_start, s.char_end
FROM v_sections s JOIN v_reports r USING (report_id)
WHERE s.part IS NOT NULL AND r.year = $rank_year AND {{report_filter}}
ORDER BY s.report_id, s.seq
