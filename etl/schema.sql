-- The warehouse schema, declared once. Loaded by etl/warehouse.py; every statement is idempotent.

CREATE TABLE IF NOT EXISTS reports (
    report_id        VARCHAR PRIMARY KEY,          -- first 16 hex digits of content_hash
    content_hash     VARCHAR NOT NULL UNIQUE CHECK (length(content_hash) = 64),
    file_name        VARCHAR NOT NULL,
    -- where the report came from: its URL, or its path relative to the folder that was ingested. A new version
    -- of one source replaces the old report; two sources never overwrite each other, whatever their file names.
    source_key       VARCHAR NOT NULL UNIQUE,
    fmt              VARCHAR NOT NULL CHECK (fmt IN ('txt', 'html', 'docx', 'pdf')),
    encoding         VARCHAR,
    source           VARCHAR NOT NULL DEFAULT 'real' CHECK (source IN ('real', 'synthetic')),
    -- normalised text; every offset points into it. zstd: about half the size of the default string compression
    raw_text         VARCHAR NOT NULL USING COMPRESSION zstd,
    char_count       INTEGER NOT NULL CHECK (char_count >= 0),
    title            VARCHAR,
    agency           VARCHAR,
    agency_src       VARCHAR CHECK (agency_src IN ('title', 'header', 'body', 'manifest', 'inferred')),
    agency_type      VARCHAR,
    agency_type_src  VARCHAR CHECK (agency_type_src IN ('title', 'header', 'body', 'manifest', 'inferred')),
    level            VARCHAR CHECK (level IN ('provincial', 'municipal', 'county')),
    level_src        VARCHAR CHECK (level_src IN ('title', 'header', 'body', 'manifest', 'inferred')),
    province         VARCHAR,
    province_src     VARCHAR CHECK (province_src IN ('title', 'header', 'body', 'manifest', 'inferred')),
    city             VARCHAR,
    city_src         VARCHAR CHECK (city_src IN ('title', 'header', 'body', 'manifest', 'inferred')),
    county           VARCHAR,
    county_src       VARCHAR CHECK (county_src IN ('title', 'header', 'body', 'manifest', 'inferred')),
    year             INTEGER CHECK (year BETWEEN 1990 AND 2100),
    year_src         VARCHAR CHECK (year_src IN ('title', 'header', 'body', 'manifest', 'inferred')),
    published        DATE,
    published_src    VARCHAR CHECK (published_src IN ('title', 'header', 'body', 'manifest', 'inferred')),
    url              VARCHAR,
    url_src          VARCHAR CHECK (url_src IN ('title', 'header', 'body', 'manifest', 'inferred')),
    meta_evidence    VARCHAR,                      -- JSON {field: text that settled it}
    has_achievements      BOOLEAN NOT NULL,
    has_problems          BOOLEAN NOT NULL,
    has_first_responsible BOOLEAN NOT NULL,
    has_next_year_plan    BOOLEAN NOT NULL,
    on_time          BOOLEAN,                      -- NULL when there is no publication date
    needs_review     BOOLEAN NOT NULL,
    review_reasons   VARCHAR NOT NULL DEFAULT '',  -- comma-separated unknown fields
    parser_version   VARCHAR NOT NULL,
    manifest_json    VARCHAR,                      -- the manifest row that overrode fields, kept for rebuild
    ingested_at      TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS sections (
    report_id   VARCHAR NOT NULL,
    seq         INTEGER NOT NULL CHECK (seq >= 0),
    depth       INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 4),
    heading     VARCHAR NOT NULL,
    part        VARCHAR CHECK (part IN ('achievements', 'problems', 'first_responsible', 'next_year_plan')),
    char_start  INTEGER NOT NULL CHECK (char_start >= 0),
    char_end    INTEGER NOT NULL CHECK (char_end >= char_start),
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE IF NOT EXISTS indicators (
    code     VARCHAR PRIMARY KEY,
    name_zh  VARCHAR NOT NULL,
    name_en  VARCHAR NOT NULL,
    unit     VARCHAR NOT NULL,
    area     VARCHAR NOT NULL,
    kind     VARCHAR NOT NULL CHECK (kind IN ('count', 'rate', 'money'))
);

CREATE TABLE IF NOT EXISTS facts (
    report_id      VARCHAR NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq >= 0),
    indicator      VARCHAR NOT NULL,
    value          DOUBLE NOT NULL,
    unit           VARCHAR NOT NULL,
    approx         BOOLEAN NOT NULL,
    evidence       VARCHAR NOT NULL CHECK (length(evidence) > 0),
    evidence_start INTEGER NOT NULL CHECK (evidence_start >= 0),
    char_start     INTEGER NOT NULL CHECK (char_start >= 0),
    char_end       INTEGER NOT NULL CHECK (char_end > char_start),
    method         VARCHAR NOT NULL CHECK (method IN ('reported', 'derived')),
    confidence     VARCHAR NOT NULL CHECK (confidence IN ('high', 'medium', 'low')),
    rule           VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE IF NOT EXISTS fact_checks (
    report_id  VARCHAR NOT NULL,
    indicator  VARCHAR NOT NULL,
    reported   DOUBLE NOT NULL,
    computed   DOUBLE NOT NULL,
    detail     VARCHAR NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS ingest_log_seq;
CREATE TABLE IF NOT EXISTS ingest_log_t (
    log_id     BIGINT PRIMARY KEY DEFAULT nextval('ingest_log_seq'),
    file_name  VARCHAR NOT NULL,
    status     VARCHAR NOT NULL CHECK (status IN ('ingested', 'unchanged', 'failed')),
    reason     VARCHAR,                            -- bilingual 'zh / en', NULL when fine
    code       VARCHAR,                            -- stable reason code, e.g. 'empty'
    report_id  VARCHAR,
    logged_at  TIMESTAMP NOT NULL,
    source_key VARCHAR                             -- the report's source (see reports.source_key)
);

-- Reviewers' corrections: an append-only log, kept apart from extracted rows so a re-parse never touches it
-- (warehouse._KEPT_TABLES). A fact is named by report_id + indicator as extracted + char span, never by the
-- volatile facts.seq; a report field by report_id + field. The latest correction per target wins, and a
-- 'withdraw' cancels the corrections before it. evidence/span_text record the text a correction was made
-- against, so one whose text moved after a rebuild is listed by review_attention instead of being applied.
CREATE SEQUENCE IF NOT EXISTS corrections_seq;
CREATE TABLE IF NOT EXISTS corrections (
    correction_id  BIGINT PRIMARY KEY DEFAULT nextval('corrections_seq'),
    uid            VARCHAR NOT NULL UNIQUE CHECK (length(uid) = 32),  -- survives CSV export and import
    report_id      VARCHAR NOT NULL CHECK (length(report_id) = 16),
    content_hash   VARCHAR NOT NULL CHECK (length(content_hash) = 64 AND starts_with(content_hash, report_id)),
    target         VARCHAR NOT NULL CHECK (target IN ('report', 'fact')),
    field          VARCHAR CHECK (field IN ('agency', 'agency_type', 'level', 'province', 'city', 'county', 'year',
                                            'published', 'url')),
    indicator      VARCHAR CHECK (length(indicator) > 0),  -- fact: the indicator as extracted (or first added)
    char_start     INTEGER CHECK (char_start >= 0),
    char_end       INTEGER,
    action         VARCHAR NOT NULL CHECK (action IN ('override', 'confirm', 'reject', 'edit', 'add', 'withdraw')),
    new_text       VARCHAR,                      -- override: the field's new value as text; NULL makes it unknown
    new_value      DOUBLE,                       -- edit/add: the fact's new value, unit and indicator
    new_unit       VARCHAR,
    new_indicator  VARCHAR,
    old_text       VARCHAR NOT NULL DEFAULT '',  -- what the reviewer saw: the field's value, or 'value unit'
    evidence       VARCHAR NOT NULL DEFAULT '',  -- fact: the sentence it was made against
    evidence_start INTEGER CHECK (evidence_start >= 0),
    span_text      VARCHAR,                      -- fact: raw_text[char_start:char_end] when it was made
    reviewer       VARCHAR NOT NULL CHECK (length(trim(reviewer)) > 0),
    reason         VARCHAR NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    CHECK ((target = 'report' AND field IS NOT NULL AND indicator IS NULL AND action IN ('override', 'withdraw'))
        OR (target = 'fact' AND field IS NULL AND indicator IS NOT NULL AND char_end > char_start
            AND length(span_text) > 0 AND action <> 'override')),
    CHECK (action NOT IN ('edit', 'add') OR (new_value IS NOT NULL AND length(new_unit) > 0
                                             AND length(new_indicator) > 0)),
    CHECK (action <> 'add' OR (length(evidence) > 0 AND evidence_start IS NOT NULL))
);

-- Public views: a contract for the dashboard and outside tools. Add columns, never remove them.
-- The latest override per report field (a withdraw as the latest entry means: back to the extracted value).
CREATE OR REPLACE VIEW v_report_overrides AS
WITH latest AS (
    SELECT report_id, field, action, new_text, reviewer, created_at
    FROM corrections WHERE target = 'report'
    QUALIFY row_number() OVER (PARTITION BY report_id, field ORDER BY created_at DESC, correction_id DESC) = 1
)
SELECT report_id, list(field ORDER BY field) AS fields, max(created_at) AS reviewed_at,
       arg_max(reviewer, created_at) AS reviewer,
       any_value(new_text) FILTER (WHERE field = 'agency') AS agency,
       any_value(new_text) FILTER (WHERE field = 'agency_type') AS agency_type,
       any_value(new_text) FILTER (WHERE field = 'level') AS level,
       any_value(new_text) FILTER (WHERE field = 'province') AS province,
       any_value(new_text) FILTER (WHERE field = 'city') AS city,
       any_value(new_text) FILTER (WHERE field = 'county') AS county,
       any_value(new_text) FILTER (WHERE field = 'year') AS year,
       any_value(new_text) FILTER (WHERE field = 'published') AS published,
       any_value(new_text) FILTER (WHERE field = 'url') AS url
FROM latest WHERE action = 'override'
GROUP BY report_id;

-- Effective reports: extracted metadata with overrides applied; an overridden field's source is 'review'.
-- status: 'corrected' when an override changed a value, 'confirmed' when overrides only restated them.
-- The *_live views compute the effective rows; the public v_reports/v_facts read them materialised (below).
CREATE OR REPLACE VIEW v_reports_live AS
WITH e AS (
    SELECT r.*, COALESCE(o.fields, []) AS overridden, o.reviewer, o.reviewed_at,
           CASE WHEN list_contains(o.fields, 'agency') THEN o.agency ELSE r.agency END AS e_agency,
           CASE WHEN list_contains(o.fields, 'agency_type') THEN o.agency_type ELSE r.agency_type END AS e_agency_type,
           CASE WHEN list_contains(o.fields, 'level') THEN o.level ELSE r.level END AS e_level,
           CASE WHEN list_contains(o.fields, 'province') THEN o.province ELSE r.province END AS e_province,
           CASE WHEN list_contains(o.fields, 'city') THEN o.city ELSE r.city END AS e_city,
           CASE WHEN list_contains(o.fields, 'county') THEN o.county ELSE r.county END AS e_county,
           CASE WHEN list_contains(o.fields, 'year') THEN TRY_CAST(o.year AS INTEGER) ELSE r.year END AS e_year,
           CASE WHEN list_contains(o.fields, 'published') THEN TRY_CAST(o.published AS DATE)
                ELSE r.published END AS e_published,
           CASE WHEN list_contains(o.fields, 'url') THEN o.url ELSE r.url END AS e_url
    FROM reports r LEFT JOIN v_report_overrides o USING (report_id)
), s AS (
    SELECT e.*,
           e_agency IS DISTINCT FROM agency OR e_agency_type IS DISTINCT FROM agency_type
           OR e_level IS DISTINCT FROM level OR e_province IS DISTINCT FROM province OR e_city IS DISTINCT FROM city
           OR e_county IS DISTINCT FROM county OR e_year IS DISTINCT FROM year
           OR e_published IS DISTINCT FROM published OR e_url IS DISTINCT FROM url AS changed,
           -- The same fields, in the same order, as etl/rows.py REVIEW_FIELDS.
           concat_ws(',', CASE WHEN e_agency IS NULL THEN 'agency' END,
                     CASE WHEN e_agency_type IS NULL THEN 'agency_type' END,
                     CASE WHEN e_level IS NULL THEN 'level' END, CASE WHEN e_province IS NULL THEN 'province' END,
                     CASE WHEN e_year IS NULL THEN 'year' END,
                     -- etl/rows.py decides GUESSED_TYPE at ingest; it stands until a reviewer settles the type
                     CASE WHEN list_contains(string_split(review_reasons, ','), 'agency_type_guessed')
                               AND NOT list_contains(overridden, 'agency_type')
                          THEN 'agency_type_guessed' END) AS e_reasons
    FROM e
)
SELECT report_id, file_name, source_key, e_agency AS agency, e_agency_type AS agency_type, e_level AS level,
       e_province AS province, e_city AS city, e_county AS county, e_year AS year, e_published AS published,
       CASE WHEN len(overridden) = 0 THEN on_time
            WHEN e_year IS NULL OR e_published IS NULL THEN NULL
            ELSE e_published < make_date(e_year + 1, 4, 1) END AS on_time,
       has_achievements, has_problems, has_first_responsible, has_next_year_plan,
       char_count,
       CASE WHEN len(overridden) = 0 THEN needs_review ELSE e_reasons <> '' END AS needs_review,
       CASE WHEN len(overridden) = 0 THEN review_reasons ELSE e_reasons END AS review_reasons,
       source, title, e_url AS url, fmt, encoding, content_hash,
       CASE WHEN list_contains(overridden, 'agency') THEN 'review' ELSE agency_src END AS agency_src,
       CASE WHEN list_contains(overridden, 'agency_type') THEN 'review' ELSE agency_type_src END AS agency_type_src,
       CASE WHEN list_contains(overridden, 'level') THEN 'review' ELSE level_src END AS level_src,
       CASE WHEN list_contains(overridden, 'province') THEN 'review' ELSE province_src END AS province_src,
       CASE WHEN list_contains(overridden, 'city') THEN 'review' ELSE city_src END AS city_src,
       CASE WHEN list_contains(overridden, 'county') THEN 'review' ELSE county_src END AS county_src,
       CASE WHEN list_contains(overridden, 'year') THEN 'review' ELSE year_src END AS year_src,
       CASE WHEN list_contains(overridden, 'published') THEN 'review' ELSE published_src END AS published_src,
       CASE WHEN list_contains(overridden, 'url') THEN 'review' ELSE url_src END AS url_src,
       meta_evidence, ingested_at,
       CASE WHEN len(overridden) = 0 THEN 'extracted' WHEN changed THEN 'corrected' ELSE 'confirmed' END AS status,
       array_to_string(overridden, ',') AS overridden_fields, reviewer, reviewed_at,
       agency AS extracted_agency, agency_type AS extracted_agency_type, level AS extracted_level,
       province AS extracted_province, year AS extracted_year, city AS extracted_city,
       county AS extracted_county, published AS extracted_published, url AS extracted_url
FROM s;

CREATE OR REPLACE VIEW v_sections AS
SELECT s.report_id, s.seq, s.depth, s.heading, s.part, s.char_start, s.char_end,
       substring(r.raw_text, s.char_start + 1, s.char_end - s.char_start) AS text
FROM sections s JOIN reports r USING (report_id);

-- Per fact target: the corrections since its latest withdraw, folded into one row. text_ok says the report
-- text still reads as it did when the correction was made; only then does the correction apply.
CREATE OR REPLACE VIEW v_fact_corrections AS
WITH ordered AS (
    SELECT c.*, row_number() OVER k AS ord
    FROM corrections c WHERE c.target = 'fact'
    WINDOW k AS (PARTITION BY report_id, indicator, char_start, char_end ORDER BY created_at, correction_id)
), cut AS (
    SELECT o.*, max(CASE WHEN action = 'withdraw' THEN ord ELSE 0 END)
                    OVER (PARTITION BY report_id, indicator, char_start, char_end) AS cut_at
    FROM ordered o
)
SELECT l.report_id, l.indicator AS key_indicator, l.char_start, l.char_end,
       arg_max(l.action, l.ord) AS last_action,
       arg_max(l.new_value, l.ord) FILTER (WHERE l.action IN ('edit', 'add')) AS new_value,
       arg_max(l.new_unit, l.ord) FILTER (WHERE l.action IN ('edit', 'add')) AS new_unit,
       arg_max(l.new_indicator, l.ord) FILTER (WHERE l.action IN ('edit', 'add')) AS new_indicator,
       bool_or(l.action = 'add') AS has_add,
       arg_max(l.evidence, l.ord) FILTER (WHERE l.action = 'add') AS add_evidence,
       arg_max(l.evidence_start, l.ord) FILTER (WHERE l.action = 'add') AS add_evidence_start,
       min(l.correction_id) FILTER (WHERE l.action = 'add') AS add_id,
       arg_max(l.reviewer, l.ord) AS reviewer, max(l.created_at) AS reviewed_at,
       count(*) AS n_corrections,
       -- Judged on the latest correction: it recorded the text as the reviewer last saw it.
       COALESCE(arg_max(substring(r.raw_text, l.char_start + 1, l.char_end - l.char_start) = l.span_text
                        AND (l.evidence_start IS NULL
                             OR substring(r.raw_text, l.evidence_start + 1, length(l.evidence)) = l.evidence),
                        l.ord), false) AS text_ok
FROM cut l LEFT JOIN reports r ON r.report_id = l.report_id AND r.content_hash = l.content_hash
WHERE l.ord > l.cut_at
GROUP BY l.report_id, l.indicator, l.char_start, l.char_end;

-- Extracted facts as the extractor wrote them (rejected ones included), with their review status and the
-- effective metadata of their report.
CREATE OR REPLACE VIEW v_facts_extracted_live AS
SELECT f.report_id, r.file_name, f.indicator, f.value, f.unit, f.approx, f.evidence,
       f.char_start, f.char_end, f.method, f.confidence, f.seq, f.evidence_start, f.rule,
       r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year, r.source,
       CASE WHEN fc.last_action IS NULL OR NOT fc.text_ok THEN 'extracted'
            WHEN fc.last_action = 'reject' THEN 'rejected'
            WHEN fc.new_value IS NOT NULL THEN 'corrected'
            ELSE 'confirmed' END AS status,
       CASE WHEN fc.text_ok THEN fc.new_value END AS new_value,
       CASE WHEN fc.text_ok THEN fc.new_unit END AS new_unit,
       CASE WHEN fc.text_ok THEN fc.new_indicator END AS new_indicator,
       CASE WHEN fc.text_ok THEN fc.reviewer END AS reviewer,
       CASE WHEN fc.text_ok THEN fc.reviewed_at END AS reviewed_at
FROM facts f JOIN v_reports_live r USING (report_id)
LEFT JOIN v_fact_corrections fc ON fc.report_id = f.report_id AND fc.key_indicator = f.indicator
     AND fc.char_start = f.char_start AND fc.char_end = f.char_end;

-- Effective facts, what every chart reads: rejected facts gone, edits applied, added facts in. A reviewed
-- fact counts as high confidence (the extractor's guess stays in extracted_confidence). key_indicator and
-- the span name the fact for corrections; an added fact's seq is 1,000,000 + the id of its 'add'.
-- The one home of the rule that picks a report's value for an indicator (`best`): the most confident, reported
-- before derived, first in the text. Rankings, trends, comparison and the review queue read it; `n_values` says
-- how many values the report states for the indicator, so a page can say when one was chosen among several.
CREATE OR REPLACE VIEW v_facts_live AS
WITH u AS (
    SELECT report_id, file_name, COALESCE(new_indicator, indicator) AS indicator, COALESCE(new_value, value) AS value,
           COALESCE(new_unit, unit) AS unit, approx, evidence, char_start, char_end, method,
           CASE WHEN status = 'extracted' THEN confidence ELSE 'high' END AS confidence, seq, evidence_start, rule,
           agency, agency_type, level, province, city, county, year, source,
           status, indicator AS key_indicator, value AS extracted_value, confidence AS extracted_confidence,
           reviewer, reviewed_at
    FROM v_facts_extracted_live
    WHERE status <> 'rejected'
    UNION ALL
    SELECT fc.report_id, r.file_name, fc.new_indicator, fc.new_value, fc.new_unit, false, fc.add_evidence,
           fc.char_start, fc.char_end, 'reported', 'high', CAST(1000000 + fc.add_id AS INTEGER), fc.add_evidence_start,
           'review', r.agency, r.agency_type, r.level, r.province, r.city, r.county, r.year, r.source,
           'added', fc.key_indicator, NULL, NULL, fc.reviewer, fc.reviewed_at
    FROM v_fact_corrections fc JOIN v_reports_live r USING (report_id)
    WHERE fc.has_add AND fc.text_ok AND fc.last_action <> 'reject'
      AND NOT EXISTS (SELECT 1 FROM facts f WHERE f.report_id = fc.report_id AND f.indicator = fc.key_indicator
                      AND f.char_start = fc.char_start AND f.char_end = fc.char_end)
)
SELECT *,
       row_number() OVER (PARTITION BY report_id, indicator
                          ORDER BY CASE confidence WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
                                   CASE method WHEN 'reported' THEN 0 ELSE 1 END, seq) = 1 AS best,
       count(*) OVER (PARTITION BY report_id, indicator) AS n_values
FROM u;

-- The effective views, materialised: recomputing them on every page query cost most of its time. Every write
-- in etl/warehouse.py refreshes the rows of the reports it touched in the same transaction
-- (Warehouse._refresh_effective), and a writable open rebuilds a table whose columns no longer match its
-- live view. tests/test_effective.py checks the two agree.
CREATE TABLE IF NOT EXISTS reports_eff AS SELECT * FROM v_reports_live LIMIT 0;
CREATE TABLE IF NOT EXISTS facts_extracted_eff AS SELECT * FROM v_facts_extracted_live LIMIT 0;
CREATE TABLE IF NOT EXISTS facts_eff AS SELECT * FROM v_facts_live LIMIT 0;

CREATE OR REPLACE VIEW v_reports AS SELECT * FROM reports_eff;
CREATE OR REPLACE VIEW v_facts_extracted AS SELECT * FROM facts_extracted_eff;
CREATE OR REPLACE VIEW v_facts AS SELECT * FROM facts_eff;

CREATE OR REPLACE VIEW ingest_log AS
SELECT file_name, status, COALESCE(reason, '') AS reason, logged_at, code, report_id, log_id, source_key
FROM ingest_log_t;
