-- Keys declared here instead of as indexes (see etl/schema_terms.sql): one count per report and term.
SELECT report_id, term, count(*) AS copies
FROM terms
GROUP BY report_id, term
HAVING count(*) > 1
