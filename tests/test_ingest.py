"""End-to-end ingest: the sample corpus, idempotency, bad files in a batch, manifests, rebuild and the CLI."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import duckdb
import pytest

from etl.ingest import ingest, rebuild
from etl.warehouse import Warehouse

from .conftest import FIXTURES, ROOT, SAMPLE_REPORTS

GOLD = [json.loads(line) for line in (FIXTURES / "gold-seeds.jsonl").open(encoding="utf-8")]
META_FIELDS = ("agency", "agency_type", "level", "province", "city", "county", "year", "published")


def _rows(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_sample_corpus_matches_the_seed_gold(sample_db):
    got = {r[0]: r[1:] for r in _rows(sample_db, f"""
        SELECT file_name, {', '.join(META_FIELDS)}, has_achievements, has_problems, has_first_responsible,
               has_next_year_plan FROM v_reports""")}
    assert len(got) == 5
    for g in GOLD:
        expected = tuple(g[f] for f in META_FIELDS[:-1]) + (g["published"],) + tuple(
            g["sections"][p] for p in ("achievements", "problems", "first_responsible", "next_year_plan"))
        row = got[g["doc"]]
        row = row[:7] + (row[7].isoformat() if row[7] else None,) + row[8:]
        assert row == expected, g["doc"]


def test_sample_reports_keep_text_and_sections(sample_db):
    (n_sections,) = _rows(sample_db, "SELECT count(*) FROM v_sections WHERE depth = 1")[0]
    assert n_sections == 4 + 3 + 3 + 3 + 2
    # v_sections.text is the report text at the section's span.
    rows = _rows(sample_db, "SELECT heading, text FROM v_sections WHERE depth = 1 AND part = 'problems'")
    assert rows and all(text.split("\n")[0].endswith(heading) or heading in text for heading, text in rows)


def test_on_time_follows_the_publication_date(sample_db):
    got = dict(_rows(sample_db, "SELECT file_name, on_time FROM v_reports"))
    assert got["001_93df2457fec9964f.txt"] is True  # 2021 report published 2022-02-07
    assert got["004_e40db4cf0542f638.txt"] is False  # 2020 report published 2021-05-28, after 1 April
    assert got["000_c77dee4d8d3392e7.txt"] is None  # no date on the page


def test_reingest_is_idempotent(tmp_path):
    db = tmp_path / "w.duckdb"
    first = ingest([str(SAMPLE_REPORTS)], str(db), workers=1, progress=False)
    second = ingest([str(SAMPLE_REPORTS)], str(db), workers=1, progress=False)
    assert (len(first.ingested), len(first.unchanged)) == (5, 0)
    assert (len(second.ingested), len(second.unchanged), second.failed) == (0, 5, [])
    assert _rows(db, "SELECT count(*), count(DISTINCT content_hash) FROM v_reports") == [(5, 5)]
    assert _rows(db, "SELECT status, count(*) FROM ingest_log GROUP BY ALL ORDER BY 1") == [
        ("ingested", 5), ("unchanged", 5)]


def test_bad_files_are_logged_and_the_rest_go_in(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(SAMPLE_REPORTS / "004_e40db4cf0542f638.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    db = tmp_path / "w.duckdb"
    summary = ingest([str(folder)], str(db), workers=1, progress=False)
    assert summary.ingested == ["good.txt"]
    assert sorted(name for name, _ in summary.failed) == ["empty.txt", "noise.txt", "old.doc"]
    assert summary.exit_code == 1
    log = {name: (status, code) for name, status, code in _rows(db, "SELECT file_name, status, code FROM ingest_log")}
    assert log == {"good.txt": ("ingested", None), "empty.txt": ("failed", "empty"),
                   "noise.txt": ("failed", "binary"), "old.doc": ("failed", "unsupported_format")}
    reasons = dict(_rows(db, "SELECT file_name, reason FROM ingest_log WHERE status = 'failed'"))
    assert all(" / " in r and r.split(" / ")[0] != r.split(" / ")[1] for r in reasons.values())  # zh / en
    assert _rows(db, "SELECT count(*) FROM v_reports") == [(1,)]


def test_manifest_overrides_fields_and_survives_rebuild(tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy(SAMPLE_REPORTS / "000_c77dee4d8d3392e7.txt", folder / "a.txt")
    (folder / "manifest.csv").write_text(
        "file,agency,published,url\na.txt,深圳市宝安区发展和改革局,2021-03-01,https://example.gov.cn/a.html\n",
        encoding="utf-8-sig")
    db = tmp_path / "w.duckdb"
    assert ingest([str(folder)], str(db), workers=1, progress=False).exit_code == 0
    sql = "SELECT agency, agency_src, published::VARCHAR, published_src, url, on_time FROM v_reports"
    expected = [("深圳市宝安区发展和改革局", "manifest", "2021-03-01", "manifest",
                 "https://example.gov.cn/a.html", True)]
    assert _rows(db, sql) == expected
    assert rebuild(str(db), progress=False).exit_code == 0
    assert _rows(db, sql) == expected


def test_rebuild_reparses_every_report_without_duplicates(tmp_path, sample_db):
    db = tmp_path / "w.duckdb"
    shutil.copy(sample_db, db)
    before = _rows(db, "SELECT report_id, agency, year FROM v_reports ORDER BY 1")
    facts_before = _rows(db, "SELECT count(*) FROM v_facts")
    summary = rebuild(str(db), progress=False)
    assert (len(summary.ingested), summary.failed, summary.check_failures) == (5, [], {})
    assert _rows(db, "SELECT report_id, agency, year FROM v_reports ORDER BY 1") == before
    assert _rows(db, "SELECT count(*) FROM v_facts") == facts_before


def test_every_fact_has_its_evidence_at_its_span(sample_db):
    rows = _rows(sample_db, """
        SELECT f.evidence, substring(r.raw_text, f.evidence_start + 1, length(f.evidence)),
               substring(r.raw_text, f.char_start + 1, f.char_end - f.char_start)
        FROM facts f JOIN reports r USING (report_id)""")
    assert len(rows) > 20
    for evidence, at_span, number in rows:
        assert evidence == at_span
        assert number and number in evidence and any(c.isdigit() or c in "一二三四五六七八九十百千万两" for c in number)


@pytest.mark.parametrize("damage,check,rows", [
    ("UPDATE facts SET evidence = '不存在的句子' WHERE seq = 0", "evidence_matches_text", None),
    ("INSERT INTO terms SELECT * FROM terms WHERE term = '法治政府建设' LIMIT 1", "keys_unique",
     [("法治政府建设", 2)]),
])
def test_data_checks_catch_damage_written_behind_the_warehouse(tmp_path, sample_db, damage, check, rows):
    db = tmp_path / "w.duckdb"
    shutil.copy(sample_db, db)
    con = duckdb.connect(str(db))
    con.execute(damage)
    con.close()
    with Warehouse.open(db, read_only=True) as wh:
        failures = wh.run_checks()
    assert set(failures) == {check}
    if rows is not None:
        assert [row[1:] for row in failures[check]] == rows


def test_failed_write_leaves_no_half_report(tmp_path, sample_db):
    from dataclasses import replace

    from etl.pipeline import ParseContext, parse_report
    from etl.records import Fact

    data = (SAMPLE_REPORTS / "001_93df2457fec9964f.txt").read_bytes()
    rep = parse_report(data, "x.txt", ParseContext.load())
    broken = replace(rep, facts=rep.facts + (Fact("legal_aid_cases", 1, "件", False, "x", 0, 5, 5),))
    db = tmp_path / "w.duckdb"
    with Warehouse.open(db, read_only=False) as wh:
        with pytest.raises(duckdb.ConstraintException):
            wh.write_report(broken, "t")
        assert wh.con.execute("SELECT count(*) FROM reports").fetchone() == (0,)
        assert wh.con.execute("SELECT count(*) FROM sections").fetchone() == (0,)
        assert wh.con.execute("SELECT count(*) FROM facts").fetchone() == (0,)


def test_a_writer_that_fails_leaves_the_warehouse_untouched(tmp_path, sample_db):
    from etl.warehouse import writing

    db = tmp_path / "w.duckdb"
    shutil.copy(sample_db, db)
    before = db.read_bytes()
    with pytest.raises(RuntimeError):
        with writing(db) as wh:
            wh.con.execute("DELETE FROM facts")
            raise RuntimeError("crash mid-batch")
    assert db.read_bytes() == before
    assert list(tmp_path.glob("w.duckdb.tmp-*")) == []


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


def test_cli_ingest_exit_codes_and_summary(tmp_path):
    db = tmp_path / "w.duckdb"
    ok = _cli("ingest", str(SAMPLE_REPORTS), "--db", str(db), "--quiet", "--workers", "1")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.splitlines()[0] == "ingested: 5  unchanged: 0  failed: 0"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    failed = _cli("ingest", str(bad), "--db", str(db), "--quiet")
    assert failed.returncode == 1
    assert failed.stdout.splitlines()[0] == "ingested: 0  unchanged: 0  failed: 1"
    assert "bad.txt" in failed.stdout.splitlines()[1]
    assert _cli("ingest", str(tmp_path / "missing"), "--db", str(db)).returncode == 2
    assert _cli("ingest").returncode == 2
    assert _cli("frobnicate").returncode == 2


def test_a_batch_whose_checks_fail_is_not_swapped_in(tmp_path, monkeypatch):
    from etl.warehouse import Warehouse as W

    db = tmp_path / "w.duckdb"
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(SAMPLE_REPORTS / "000_c77dee4d8d3392e7.txt", first)
    ingest([str(first)], str(db), workers=1, progress=False)
    before = db.read_bytes()
    seen = []

    def failing(self, ids=None):
        seen.append(ids)
        return {"evidence_matches_text": [("x", 0, "…")]}

    monkeypatch.setattr(W, "run_checks", failing)
    summary = ingest([str(SAMPLE_REPORTS)], str(db), workers=1, progress=False)
    assert (summary.exit_code, summary.ingested, list(summary.check_failures)) == (1, [], ["evidence_matches_text"])
    assert len(seen[0]) == 4  # the checks looked at the four reports this batch wrote, not the warehouse
    assert db.read_bytes() == before  # the warehouse is the one before the batch
