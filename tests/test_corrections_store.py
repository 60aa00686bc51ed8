"""Corrections in their own store (issue 14, item 2): a save never writes the warehouse file, concurrent saves
from several processes all land once, corrections outlive rebuilds, and one whose fact vanished is listed."""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sqlite3
import sys
import time
import types
from pathlib import Path

import pytest

from etl import corrections as C
from etl import corrections_store as S
from etl.ingest import rebuild
from etl.review_cli import register
from etl.warehouse import Warehouse, writing

from .test_effective import stale
from .test_review import BA, EFFECTIVE_QY, EXPECTED_QY, QY, corrections_for, fact, rows


def stat(path: Path) -> tuple:
    st = os.stat(path)
    return st.st_ino, st.st_size, st.st_mtime_ns


def save_as_the_app(db, made) -> int:
    """Save the way the Review page does: through the app's read-only warehouse."""
    with Warehouse.open(db) as wh:
        return C.save(wh, made)


def test_a_save_writes_the_store_not_the_warehouse_and_every_reader_sees_it(db):
    before = stat(db)
    reader = Warehouse.open(db)  # another session's (or app server's) warehouse, opened before the save
    assert reader.query("review_corrections").empty
    assert save_as_the_app(db, corrections_for(db)) == 5
    assert stat(db) == before  # same file, same size, same mtime: nothing copied, nothing swapped
    assert sorted(p.name for p in db.parent.iterdir() if p.name.startswith("wh.duckdb")) == ["wh.duckdb"]
    assert S.count(S.store_path(db)) == 5
    # The reader opened before the save shows it at its next query, in the public and the live views.
    assert reader.query("review_history", {"report_id": QY})["action"].tolist() == ["confirm", "reject", "edit",
                                                                                   "add"]
    assert reader.con.execute(EFFECTIVE_QY, [QY, QY]).fetchall() == EXPECTED_QY
    assert reader.con.execute(EFFECTIVE_QY.replace("FROM v_facts", "FROM v_facts_live"),
                              [QY, QY]).fetchall() == EXPECTED_QY
    assert reader.con.execute("SELECT published::VARCHAR, status FROM v_reports WHERE report_id = ?",
                              [BA]).fetchall() == [("2021-03-31", "corrected")]
    assert reader.query("review_attention").empty
    # The effective checks read what users see, the overlay included.
    assert reader.run_checks() == {}
    reader.close()
    assert rows(db, EFFECTIVE_QY, [QY, QY]) == EXPECTED_QY  # and a fresh open
    assert stat(db) == before


def test_a_value_that_breaks_a_rule_is_refused_before_the_store(db):
    with Warehouse.open(db) as wh:
        f2 = fact(wh, QY, 2)
        text = wh.query("report_text", {"report_id": QY}).iat[0, 0]
        h = wh.query("review_report", {"report_id": QY}).iat[0, 0]
    h = corrections_for(db)[0].content_hash
    bad = C.fact_action(f2, h, text, "edit", "王审", new_value=-3, new_unit="件")
    with pytest.raises(ValueError, match="负数"):
        save_as_the_app(db, [bad])
    assert S.count(S.store_path(db)) == 0


def test_the_store_is_append_only(db):
    save_as_the_app(db, corrections_for(db))
    con = sqlite3.connect(S.store_path(db))
    try:
        for sql in ("UPDATE corrections SET new_value = 1", "DELETE FROM corrections"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                con.execute(sql)
        audit = con.execute("SELECT origin, count(*), min(saved_at) >= min(created_at) FROM corrections").fetchall()
    finally:
        con.close()
    assert audit == [("review", 5, 1)]


def _reviewer(db: str, who: str, start: float, n: int, out) -> None:
    """One reviewer in its own process: `n` saves, one correction each, as fast as it can."""
    with Warehouse.open(db) as wh:
        facts = wh.con.execute("SELECT report_id, seq FROM v_facts_extracted ORDER BY report_id, seq").fetchall()
        hashes = dict(wh.con.execute("SELECT report_id, content_hash FROM reports").fetchall())
        texts = dict(wh.con.execute("SELECT report_id, raw_text FROM reports").fetchall())
        while time.time() < start:
            time.sleep(0.005)
        uids, failures = [], []
        for i in range(n):
            rid, seq = facts[(i * 7 + len(who)) % len(facts)]
            f = wh.query("review_facts", {"report_id": rid}).set_index("seq").loc[seq].to_dict() | {"seq": seq}
            c = C.fact_action(f, hashes[rid], texts[rid], ("confirm", "reject")[i % 2], who, f"第{i}次")
            try:
                C.save(wh, [c])
                uids.append(c.uid)
            except Exception as err:  # noqa: BLE001  (counted: the test wants none)
                failures.append(repr(err))
    out.put((who, uids, failures))


def test_five_processes_saving_at_once_lose_and_duplicate_nothing(db, monkeypatch):
    # Spawned children re-run the parent's __main__; after an AppTest in this process that is app.py, which
    # cannot run outside Streamlit. A bare __main__ keeps them to this module.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    before = stat(db)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    start = time.time() + 3.0  # every process has opened its warehouse by then
    procs = [ctx.Process(target=_reviewer, args=(str(db), f"审核员{k}", start, 20, out)) for k in range(5)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert [r[2] for r in results] == [[]] * 5  # no failed save
    saved = [uid for r in results for uid in r[1]]
    assert len(saved) == 100
    stored = [r["uid"] for r in S.read(S.store_path(db))]
    assert sorted(stored) == sorted(saved)  # none lost, none twice
    with Warehouse.open(db) as wh:
        shown = wh.query("review_corrections")
        assert sorted(shown["uid"]) == sorted(saved)
        assert shown.groupby("reviewer").size().tolist() == [20] * 5
        assert not wh.query("review_facts", {"report_id": QY})["status"].eq("extracted").all()
    assert stat(db) == before


def test_corrections_survive_a_rebuild_and_attach_to_the_same_fact(db):
    save_as_the_app(db, corrections_for(db))
    shown = rows(db, EFFECTIVE_QY, [QY, QY])
    assert shown == EXPECTED_QY
    assert rebuild(str(db), progress=False, workers=1).exit_code == 0
    # The rebuilt warehouse holds them itself now: its mirror equals the store, its tables include them.
    assert rows(db, "SELECT uid, correction_id FROM corrections ORDER BY correction_id") == \
        [(r["uid"], r["correction_id"]) for r in S.read(S.store_path(db))]
    with Warehouse.open(db) as wh:
        assert not wh.overlay.active
        assert wh.con.execute(EFFECTIVE_QY, [QY, QY]).fetchall() == shown
        assert wh.query("review_attention").empty
    assert stale(db) == {}


def test_a_save_during_an_ingest_is_kept_through_the_swap(db):
    made = corrections_for(db)
    with writing(db) as wh:  # an ingest holds a copy of the warehouse ...
        save_as_the_app(db, made[:2])  # ... while a reviewer saves
        wh.con.execute("UPDATE reports SET title = title WHERE report_id = ?", [QY])
    with Warehouse.open(db) as wh:
        assert wh.overlay.active  # the swapped-in file lacks them: the store is overlaid
        assert sorted(wh.query("review_corrections")["uid"]) == sorted(c.uid for c in made[:2])
        assert wh.con.execute("SELECT status FROM v_facts_extracted WHERE report_id = ? AND seq IN (0, 1) "
                              "ORDER BY seq", [QY]).fetchall() == [("confirmed",), ("rejected",)]
    ap = argparse.ArgumentParser()
    register(ap.add_subparsers(dest="command"))
    args = ap.parse_args(["corrections", "fold", "--db", str(db)])
    assert args.func(args) == 0  # as the next ETL write would, the warehouse takes them in
    assert stale(db) == {}
    assert len(rows(db, "SELECT * FROM corrections")) == 2
    with Warehouse.open(db) as wh:
        assert not wh.overlay.active


def test_a_correction_whose_fact_vanished_is_listed_not_dropped(db, capsys):
    save_as_the_app(db, corrections_for(db))
    with writing(db) as wh:  # a newer extractor no longer finds the confirmed fact
        wh.con.execute("DELETE FROM facts WHERE report_id = ? AND seq = 0", [QY])
    with Warehouse.open(db) as wh:
        attn = wh.query("review_attention")
        assert len(wh.query("review_corrections")) == 5
    assert attn[["problem", "report_id", "action", "indicator"]].values.tolist() == [
        ["fact_missing", QY, "confirm", "demo_villages"]]
    ap = argparse.ArgumentParser()
    register(ap.add_subparsers(dest="command"))
    args = ap.parse_args(["corrections", "attention", "--db", str(db)])
    assert args.func(args) == 1
    out = capsys.readouterr().out
    assert "corrections: 5  needing attention: 1" in out and f"fact_missing: {QY} demo_villages@322-324" in out
    assert S.count(S.store_path(db)) == 5


def test_an_older_warehouse_moves_its_corrections_into_a_new_store(db):
    made = corrections_for(db)
    with Warehouse.open(db, read_only=False, store=db.parent / "elsewhere.sqlite") as wh:
        for c in made:  # as written before the store existed: straight into the warehouse
            wh.execute("add_correction", c.params())
    assert not S.store_path(db).exists()
    before = rows(db, "SELECT uid, correction_id FROM corrections ORDER BY correction_id")
    assert [(r["uid"], r["correction_id"]) for r in S.read(S.store_path(db))] == before  # moved on first open
    assert rows(db, EFFECTIVE_QY, [QY, QY]) == EXPECTED_QY
    assert {r["origin"] for r in S.read(S.store_path(db), extra=True)} == {"warehouse"}


def test_the_review_page_save_path_shows_every_session_fresh_results_without_clearing_caches(db, monkeypatch):
    from ui import db as ui_db
    from ui import review as R

    monkeypatch.setenv("WAREHOUSE", str(db))
    ui_db.refresh()
    try:
        before = stat(db)
        assert ui_db.run_query("review_corrections", {}).empty  # cached now
        assert R.save(corrections_for(db)) == 5
        # The cache is keyed on the store's version: the next read of any session is fresh, nothing was cleared.
        assert len(ui_db.run_query("review_corrections", {})) == 5
        assert ui_db.run_query("review_facts", {"report_id": QY}).set_index("seq").loc[2, "value"] == 190.0
        assert stat(db) == before
    finally:
        ui_db.refresh()
