"""Report identity: content plus source. Same names in different folders never overwrite each other."""
from __future__ import annotations

import shutil

import duckdb

from etl.ingest import ingest, rebuild
from etl.warehouse import Warehouse

from .conftest import SAMPLE_REPORTS
from .test_review import EFFECTIVE_QY, EXPECTED_QY, QY, review

SEEDS = sorted(SAMPLE_REPORTS.glob("*.txt"))
A_TEXT, B_TEXT = SEEDS[1].read_bytes(), SEEDS[3].read_bytes()  # two different agencies


def _reports(db) -> list[tuple]:
    with Warehouse.open(db) as wh:
        return wh.con.execute("SELECT source_key, file_name, agency FROM v_reports ORDER BY source_key").fetchall()


def _ids(db) -> list[str]:
    with Warehouse.open(db) as wh:
        return [r for (r,) in wh.con.execute("SELECT report_id FROM reports").fetchall()]


def _two_folders(tmp_path):
    corpus = tmp_path / "site"
    for folder, data in (("a", A_TEXT), ("b", B_TEXT)):
        (corpus / folder).mkdir(parents=True)
        (corpus / folder / "index.txt").write_bytes(data)
    return corpus


def test_same_name_in_two_folders_in_one_batch(tmp_path):
    corpus = _two_folders(tmp_path)
    db = tmp_path / "w.duckdb"
    summary = ingest([str(corpus)], str(db), workers=1, progress=False)
    assert (summary.ingested, summary.replaced) == (["index.txt", "index.txt"], [])
    assert _reports(db) == [("site/a/index.txt", "index.txt", "清远市司法局"),
                            ("site/b/index.txt", "index.txt", "深圳市深汕特别合作区城市管理和综合执法局")]


def test_same_name_in_two_folders_in_two_batches(tmp_path):
    # Regression: reports were keyed by base name, so the second index.txt deleted the first without a word.
    corpus = _two_folders(tmp_path)
    db = tmp_path / "w.duckdb"
    ingest([str(corpus / "a" / "index.txt")], str(db), workers=1, progress=False)
    second = ingest([str(corpus / "b" / "index.txt")], str(db), workers=1, progress=False)
    assert second.replaced == []
    assert [k for k, *_ in _reports(db)] == ["a/index.txt", "b/index.txt"]
    # Naming the folder later finds the same sources: nothing new, nothing replaced.
    again = ingest([str(corpus / "a"), str(corpus / "b")], str(db), workers=1, progress=False)
    assert (again.ingested, len(again.unchanged), again.replaced) == ([], 2, [])


def test_same_bytes_under_two_names_are_one_report(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "x.txt").write_bytes(A_TEXT)
    (corpus / "copy of x.txt").write_bytes(A_TEXT)
    db = tmp_path / "w.duckdb"
    summary = ingest([str(corpus)], str(db), workers=1, progress=False)
    assert (summary.ingested, summary.unchanged) == (["copy of x.txt"], ["x.txt"])
    with Warehouse.open(db) as wh:
        assert wh.con.execute("SELECT count(*) FROM reports").fetchone() == (1,)
        log = wh.con.execute("SELECT file_name, status, code, reason FROM ingest_log ORDER BY file_name").fetchall()
        assert log == [
            ("copy of x.txt", "ingested", None, ""),
            ("x.txt", "unchanged", "duplicate",
             "与 c/copy of x.txt 内容相同 / same content as c/copy of x.txt")]


def test_a_new_version_of_one_source_replaces_it_and_says_so(tmp_path):
    corpus = tmp_path / "site"
    (corpus / "a").mkdir(parents=True)
    page = corpus / "a" / "index.txt"
    page.write_bytes(A_TEXT)
    db = tmp_path / "w.duckdb"
    ingest([str(corpus)], str(db), workers=1, progress=False)
    (old_id,) = _ids(db)
    page.write_bytes(A_TEXT + "\n补充说明。".encode())
    second = ingest([str(corpus)], str(db), workers=1, progress=False)
    (new_id,) = _ids(db)
    with Warehouse.open(db) as wh:
        (reason,) = wh.con.execute("SELECT reason FROM ingest_log WHERE code = 'replaced'").fetchone()
    assert new_id != old_id and second.replaced == [("site/a/index.txt", old_id, new_id)]
    assert reason == (f"替换同一来源的旧版本 {old_id}(清远市司法局 2021) / "
                      f"replaces the earlier version {old_id} (清远市司法局 2021)")


def test_the_manifest_url_is_the_source(tmp_path):
    corpus = tmp_path / "fetched"
    corpus.mkdir()
    (corpus / "index.txt").write_bytes(A_TEXT)
    (corpus / "manifest.csv").write_text("file,url\nindex.txt,https://example.gov.cn/a/index.html\n", "utf-8")
    db = tmp_path / "w.duckdb"
    ingest([str(corpus)], str(db), workers=1, progress=False)
    assert [k for k, *_ in _reports(db)] == ["https://example.gov.cn/a/index.html"]


def test_a_manifest_describes_only_its_own_folder(tmp_path):
    corpus = _two_folders(tmp_path)
    (corpus / "a" / "manifest.csv").write_text("file,agency\nindex.txt,某某局\n", "utf-8")
    db = tmp_path / "w.duckdb"
    ingest([str(corpus)], str(db), workers=1, progress=False)
    assert [a for *_, a in _reports(db)] == ["某某局", "深圳市深汕特别合作区城市管理和综合执法局"]


def test_rebuild_keeps_source_keys(tmp_path):
    corpus = _two_folders(tmp_path)
    db = tmp_path / "w.duckdb"
    ingest([str(corpus)], str(db), workers=1, progress=False)
    before = _reports(db)
    assert rebuild(str(db), progress=False, workers=1).exit_code == 0
    assert _reports(db) == before


def test_a_warehouse_from_before_source_keys_migrates_with_its_corrections(sample_db, tmp_path):
    db = tmp_path / "old.duckdb"
    shutil.copyfile(sample_db, db)
    review(db)
    # Turn it into the old layout: no source_key column, the old CHECK list, no source_key in the log.
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE reports_old AS SELECT * EXCLUDE (source_key) FROM reports")
    con.execute("DROP TABLE reports")
    con.execute("ALTER TABLE reports_old RENAME TO reports")
    con.execute("ALTER TABLE ingest_log_t DROP COLUMN source_key")
    n_corrections = con.execute("SELECT count(*) FROM corrections").fetchone()
    con.close()
    with Warehouse.open(db, read_only=False) as wh:
        assert wh.con.execute("SELECT count(*) FROM reports WHERE source_key = file_name").fetchone() == (5,)
        assert wh.con.execute("SELECT count(*) FROM corrections").fetchone() == n_corrections
        assert wh.con.execute(EFFECTIVE_QY, [QY, QY]).fetchall() == EXPECTED_QY
    # And the migrated warehouse takes new reports with keys.
    summary = ingest([str(SAMPLE_REPORTS)], str(db), workers=1, progress=False)
    assert (len(summary.unchanged), summary.replaced) == (5, [])
