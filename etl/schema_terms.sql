-- Keyword tables (etl/terms.py fills them through etl/rows.py). Loaded after schema.sql; idempotent.

-- (report_id, term) is unique, but declared as a data check (etl/checks/keys_unique.sql), not a PRIMARY KEY:
-- its index was 60% of the whole warehouse file (17 of 28 MB at 1,000 reports) and slowed every write.
CREATE TABLE IF NOT EXISTS terms (
    report_id  VARCHAR NOT NULL,
    term       VARCHAR NOT NULL CHECK (length(term) > 0),
    n          INTEGER NOT NULL CHECK (n > 0)
);

CREATE TABLE IF NOT EXISTS report_tokens (
    report_id  VARCHAR PRIMARY KEY,
    tokens     INTEGER NOT NULL CHECK (tokens >= 0)  -- word tokens, stopwords included: the per-token base
);

-- Public views (a contract: add columns, never remove them).
CREATE OR REPLACE VIEW v_terms AS
SELECT report_id, term, n FROM terms;

-- The bases for normalised frequencies: tokens and characters per report. tokens is NULL for a report
-- ingested before term counting existed (run `python -m etl rebuild`).
CREATE OR REPLACE VIEW v_report_stats AS
SELECT r.report_id, k.tokens, r.char_count, COALESCE(d.distinct_terms, 0) AS distinct_terms
FROM reports r
LEFT JOIN report_tokens k USING (report_id)
LEFT JOIN (SELECT report_id, count(*) AS distinct_terms FROM terms GROUP BY report_id) d USING (report_id);

-- Per-term totals over every report: the keyword pages read them when no filter is set instead of adding up
-- millions of terms rows. Each write adds and subtracts its reports' counts (etl/warehouse_terms.py,
-- schema_terms_delta.sql); refresh_aggregates recounts them whole (schema_terms_refresh.sql).
CREATE TABLE IF NOT EXISTS term_totals (
    term     VARCHAR NOT NULL,
    n        BIGINT NOT NULL,   -- occurrences in all reports
    reports  BIGINT NOT NULL    -- reports mentioning it
);
