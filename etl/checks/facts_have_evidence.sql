-- Every fact carries a non-empty evidence sentence.
SELECT report_id, seq FROM facts WHERE evidence IS NULL OR length(evidence) = 0;
