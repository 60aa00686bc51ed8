-- Section spans lie inside their report's text.
SELECT s.report_id, s.seq FROM sections s JOIN reports r USING (report_id) WHERE s.char_end > r.char_count;
