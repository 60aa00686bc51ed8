"""term_totals is kept in step write by write (etl/warehouse_terms.py), never recounted per batch: after inserts,
replacements of a source by new content, deletions and a rebuild it equals the full recount."""
from __future__ import annotations

import shutil

from etl.ingest import ingest, rebuild
from etl.warehouse import TERMS_REFRESH_SQL, Warehouse, writing

from .conftest import SAMPLE_REPORTS

RECOUNT = TERMS_REFRESH_SQL.read_text(encoding="utf-8").split(";")[1]  # the INSERT … SELECT of the recount


def drift(db) -> int:
    """Rows that differ between term_totals and the full recount over the terms rows, either way."""
    recount = RECOUNT.split("SELECT", 1)[1].join(["(SELECT", ")"])
    with Warehouse.open(db) as wh:
        return wh.con.execute(f"SELECT count(*) FROM ((FROM term_totals EXCEPT ALL FROM {recount}) "
                              f"UNION ALL (FROM {recount} EXCEPT ALL FROM term_totals))").fetchone()[0]


def totals(db) -> int:
    with Warehouse.open(db) as wh:
        return wh.con.execute("SELECT count(*) FROM term_totals").fetchone()[0]


def test_term_totals_equal_the_recount_after_inserts_replacements_and_deletions(db, tmp_path):
    assert drift(db) == 0 and totals(db) > 0
    folder = tmp_path / "in"
    shutil.copytree(SAMPLE_REPORTS, folder)
    txt = sorted(folder.glob("*.txt"))
    assert len(txt) >= 2
    # New sources (the same texts under other names are the same content: edit them to make new reports).
    for k, f in enumerate(txt[:2]):
        (folder / f"new-{k}.txt").write_text(f.read_text(encoding="utf-8") + "\n另行增加的一句：量子纠缠态。",
                                             encoding="utf-8")
    s = ingest([str(folder)], str(db), workers=1, progress=False)
    assert len(s.ingested) >= 2 and s.check_failures == {}
    assert drift(db) == 0
    # A new version of a source replaces its report: the old one's terms leave, the new one's come in.
    edited = "2023年法治政府建设情况报告\n全面推进依法行政，行政执法公示制度落实。\n" * 3
    (folder / "new-0.txt").write_text(edited, encoding="utf-8")
    s = ingest([str(folder)], str(db), workers=1, progress=False)
    assert s.replaced and s.check_failures == {}
    assert drift(db) == 0
    with Warehouse.open(db) as wh:
        n = wh.con.execute("SELECT n FROM term_totals WHERE term = '量子纠缠态'").fetchone()
        ids = [r for (r,) in wh.con.execute("SELECT report_id FROM terms WHERE term = '量子纠缠态'").fetchall()]
    # Deleting the reports of a term removes it from the totals, as the recount would.
    with writing(db) as wh:
        for rid in ids:
            wh.delete_report(rid)
    assert drift(db) == 0
    with Warehouse.open(db) as wh:
        assert n is None or wh.con.execute("SELECT count(*) FROM term_totals WHERE term = '量子纠缠态'"
                                           ).fetchone()[0] == 0
    rebuild(str(db), progress=False, workers=1)
    assert drift(db) == 0


def test_a_batch_of_new_reports_does_not_touch_the_child_tables(db, tmp_path):
    """Writing only new reports deletes nothing: the stored-id look-up finds none of them."""
    with Warehouse.open(db, read_only=False) as wh:
        from etl.warehouse_terms import subtract_reports

        stored = wh.con.execute("SELECT report_id FROM reports LIMIT 1").fetchone()[0]
        assert subtract_reports(wh._db, ["0000000000000000", stored]) == [stored]
        assert subtract_reports(wh._db, ["0000000000000000"]) == []
        assert subtract_reports(wh._db, []) == []
