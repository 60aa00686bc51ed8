"""Corrections: effective views, survival through rebuild, drift shown as needing attention, CSV merge conflicts."""
from __future__ import annotations

import argparse
import shutil
from datetime import datetime, timedelta

import pytest

from etl import corrections as C
from etl.ingest import rebuild
from etl.review_cli import export_corrections, import_corrections, register
from etl.warehouse import Warehouse, writing

QY = "4e55bb471ae2a25b"  # 清远市司法局 2021 (sample report 001)
BA = "1533d53ff61c20e1"  # 深圳市宝安区发展和改革局 2020 (sample report 000): no publication date
T0 = datetime(2026, 1, 5, 9, 0, 0)


def rows(db, sql, params=None):
    with Warehouse.open(db) as wh:
        return wh.con.execute(sql, params or []).fetchall()


def fact(wh, rid, seq) -> dict:
    return wh.query("review_facts", {"report_id": rid}).set_index("seq").loc[seq].to_dict() | {"seq": seq}


def review(db, who="王审"):
    """Confirm, reject, edit, add and override on the sample warehouse; one correction a minute from T0."""
    made = corrections_for(db, who)
    with writing(db) as wh:
        assert C.save(wh, made) == 5
    return made


def corrections_for(db, who="王审") -> list[C.Correction]:
    """The five corrections of review(), made but not saved."""
    with Warehouse.open(db) as wh:
        rep = wh.query("review_report", {"report_id": QY}).iloc[0].to_dict()
        ba = wh.query("review_report", {"report_id": BA}).iloc[0].to_dict()
        text = wh.query("report_text", {"report_id": QY}).iat[0, 0]
        f0, f1, f2 = (fact(wh, QY, s) for s in (0, 1, 2))
    h = rep["content_hash"]
    sentence = (2049, text.index("。", 2049) + 1)
    made = [
        C.fact_action(f0, h, text, "confirm", who),
        C.fact_action(f1, h, text, "reject", who, "2 是全国示范村,不是省级"),
        C.fact_action(f2, h, text, "edit", who, "原文如此", new_value=190, new_unit="件"),
        C.add_fact(QY, h, text, *sentence, "448", "decision_legal_reviews", "件", who, "漏抽"),
        C.meta_override(ba, "published", "2021-03-31", who, "见网站发布日期"),
    ]
    return [C.with_time(c, T0 + timedelta(minutes=i)) for i, c in enumerate(made)]


EFFECTIVE_QY = ("SELECT seq, indicator, value, unit, status, confidence, char_start, char_end FROM v_facts "
                "WHERE report_id = ? AND seq IN (0, 1, 2, 3) OR (report_id = ? AND status = 'added') ORDER BY seq")
EXPECTED_QY = [(0, "demo_villages", 31.0, "个", "confirmed", "high", 322, 324),
               (2, "normative_docs_reviewed", 190.0, "件", "corrected", "high", 1353, 1356),
               (3, "normative_docs_filed", 20.0, "件", "extracted", "high", 1377, 1379),
               (1000004, "decision_legal_reviews", 448.0, "件", "added", "high", 2111, 2114)]


def test_effective_views_apply_every_kind_of_correction(db):
    review(db)
    assert rows(db, EFFECTIVE_QY, [QY, QY]) == EXPECTED_QY
    assert rows(db, "SELECT seq, status, value FROM v_facts_extracted WHERE report_id = ? AND seq < 3 ORDER BY seq",
                [QY]) == [(0, "confirmed", 31.0), (1, "rejected", 2.0), (2, "corrected", 191.0)]
    # one rejected, one added; the lumped 代理诉讼、参与行政复议26件 is no fact
    assert rows(db, "SELECT count(*) FROM v_facts") == [(59,)]
    assert rows(db, "SELECT published::VARCHAR, published_src, on_time, status, overridden_fields FROM v_reports "
                    "WHERE report_id = ?", [BA]) == [("2021-03-31", "review", True, "corrected", "published")]
    assert rows(db, "SELECT status, count(*) FROM v_reports GROUP BY 1 ORDER BY 1") == \
        [("corrected", 1), ("extracted", 4)]
    with Warehouse.open(db) as wh:
        assert wh.query("review_attention").empty
        # The best fact for a ranking is the reviewed one now.
        best = wh.query("best_facts", {"indicator": "decision_legal_reviews"})
        assert best.loc[best["report_id"] == QY, ["value", "confidence"]].values.tolist() == [[178.0, "high"]]


def test_corrections_survive_rebuild_with_their_history(db):
    review(db)
    before = rows(db, "SELECT * FROM corrections ORDER BY correction_id")
    assert rebuild(str(db), progress=False, workers=1).exit_code == 0
    assert rows(db, "SELECT * FROM corrections ORDER BY correction_id") == before
    assert rows(db, EFFECTIVE_QY, [QY, QY]) == EXPECTED_QY
    assert rows(db, "SELECT on_time, published_src FROM v_reports WHERE report_id = ?", [BA]) == [(True, "review")]
    with Warehouse.open(db) as wh:
        assert wh.query("review_attention").empty
        hist = wh.query("review_history", {"report_id": QY})
    assert hist[["action", "indicator", "char_start", "reviewer", "old_text"]].values.tolist() == [
        ["confirm", "demo_villages", 322, "王审", "31 个"], ["reject", "demo_villages", 353, "王审", "2 个"],
        ["edit", "normative_docs_reviewed", 1353, "王审", "191 件"],
        ["add", "decision_legal_reviews", 2111, "王审", ""]]


def test_drift_after_rebuild_needs_attention_never_silently_dropped(db):
    review(db)
    with Warehouse.open(db, read_only=False) as wh:
        # A newer extractor no longer finds the confirmed fact, reads another agency type, and the stored text
        # of the report with the edited number changed under it.
        wh.con.execute("DELETE FROM facts WHERE report_id = ? AND seq = 0", [QY])
        wh.con.execute("UPDATE reports SET published = DATE '2021-04-02' WHERE report_id = ?", [BA])
        wh.con.execute("UPDATE reports SET raw_text = replace(raw_text, '审核意见191份', '审核意见181份') "
                       "WHERE report_id = ?", [QY])
        attn = wh.query("review_attention")
    assert attn[["problem", "report_id", "action", "indicator", "field"]].fillna("").values.tolist() == [
        ["fact_missing", QY, "confirm", "demo_villages", ""],
        ["text_changed", QY, "edit", "normative_docs_reviewed", ""],
        ["meta_changed", BA, "override", "", "published"]]
    # The edit no longer applies: the number is back to what was extracted, unreviewed.
    assert rows(db, "SELECT value, status FROM v_facts WHERE report_id = ? AND seq = 2", [QY]) == [(191.0, "extracted")]
    # A metadata override still applies (the reviewer's value), but is listed for a second look.
    assert rows(db, "SELECT published::VARCHAR FROM v_reports WHERE report_id = ?", [BA]) == [("2021-03-31",)]


def test_withdraw_and_a_new_correction_settle_attention(db):
    made = review(db)
    with Warehouse.open(db, read_only=False) as wh:
        wh.con.execute("DELETE FROM facts WHERE report_id = ? AND seq = 0", [QY])
    w = C.Correction(**{**made[0].params(), "uid": "f" * 32, "action": "withdraw",
                        "created_at": T0 + timedelta(hours=1)})
    with writing(db) as wh:
        C.save(wh, [w])
        assert wh.query("review_attention").empty


def test_a_report_that_is_gone_leaves_its_corrections_in_attention(db):
    review(db)
    with Warehouse.open(db, read_only=False) as wh:
        wh.delete_report(BA)
        attn = wh.query("review_attention")
    assert attn[["problem", "report_id", "field"]].values.tolist() == [["report_missing", BA, "published"]]


def test_check_constraints_refuse_malformed_corrections(db):
    good = review(db)[0]
    with writing(db) as wh:
        for bad in ({"target": "report"}, {"char_end": good.char_start}, {"reviewer": "  "},
                    {"action": "edit"}, {"content_hash": "0" * 64}):
            with pytest.raises(Exception, match="(?i)constraint"):
                wh.execute("add_correction", {**good.params(), "uid": "e" * 32, **bad})


def test_add_fact_locates_and_verifies_the_number():
    text = "今年办理案件12件,其中调解12件,另有十二件待办。"
    c = C.add_fact(QY, QY + "0" * 48, text, 0, len(text), "12", "mediation_cases", "件", "x", occurrence=2)
    assert (c.char_start, c.char_end, c.span_text, c.new_value) == (14, 16, "12", 12.0)
    c = C.add_fact(QY, QY + "0" * 48, text, 0, len(text), "十二", "mediation_cases", "件", "x")
    assert (c.char_start, c.new_value) == (20, 12.0)
    with pytest.raises(ValueError, match="not in the sentence"):
        C.add_fact(QY, QY + "0" * 48, text, 0, 8, "调解12", "mediation_cases", "件", "x")
    with pytest.raises(ValueError, match="reviewer"):
        C.add_fact(QY, QY + "0" * 48, text, 0, len(text), "12", "mediation_cases", "件", " ")


def _rm(who, action, minutes, **kw) -> C.Correction:
    base = dict(report_id=QY, content_hash=QY + "0" * 48, target="fact", indicator="demo_villages", char_start=322,
                char_end=324, span_text="31", evidence="x", evidence_start=322)
    if action == "edit":
        base |= dict(new_value=kw.pop("value"), new_unit="个", new_indicator="demo_villages")
    return C.Correction(action=action, reviewer=who, created_at=T0 + timedelta(minutes=minutes), **base, **kw)


def test_plan_import_conflicts_duplicates_revisions_and_agreement():
    ours = [_rm("甲", "edit", 0, value=30)]
    theirs = [_rm("乙", "reject", 1), _rm("乙", "edit", 2, value=30), _rm("甲", "edit", 3, value=32),
              _rm("丙", "confirm", 4)]
    plan = C.plan_import(ours, [*theirs, ours[0]])
    assert [c.uid for c in plan.duplicates] == [ours[0].uid]
    # 乙's reject contradicts 甲's edit: shown, not taken. 乙 then agrees with 甲 (same value): taken. 甲 revises
    # their own edit: taken. 丙's confirm is another reviewer's different decision: shown (conservatively).
    assert [(a.reviewer, a.action, b.reviewer) for a, b in plan.conflicts] == [("乙", "reject", "甲"),
                                                                              ("丙", "confirm", "甲")]
    assert [(c.reviewer, c.action, c.new_value) for c in plan.new] == [("乙", "edit", 30.0), ("甲", "edit", 32.0)]


def _cli(*argv) -> int:
    p = argparse.ArgumentParser()
    register(p.add_subparsers(dest="command", required=True))
    args = p.parse_args(list(argv))
    return args.func(args)


def test_csv_round_trip_and_conflicting_import(db, sample_db, tmp_path, capsys):
    made = review(db, "王审")
    out = tmp_path / "c.csv"
    assert _cli("corrections", "export", "--db", str(db), "--out", str(out)) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    # Another reviewer's warehouse: she rejected the fact 王审 edited, before seeing his file.
    other = tmp_path / "other.duckdb"
    shutil.copyfile(sample_db, other)
    with Warehouse.open(other) as wh:
        text = wh.query("report_text", {"report_id": QY}).iat[0, 0]
        f2 = fact(wh, QY, 2)
    mine = C.with_time(C.fact_action(f2, made[2].content_hash, text, "reject", "李审", "不是审核意见数"),
                       T0 + timedelta(days=1))
    with writing(other) as wh:
        C.save(wh, [mine])
    capsys.readouterr()
    assert _cli("corrections", "import", "--db", str(other), "--in", str(out)) == 1
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "imported: 4  already present: 0  conflicts: 1  invalid: 0"
    assert printed[1] == (f"  CONFLICT {QY} normative_docs_reviewed@1353-1356: 王审 edit 190 件 "
                          f"normative_docs_reviewed vs 李审 reject  (uid {made[2].uid})")
    # Her reject stands; everything else arrived, with its original reviewer, time and uid.
    assert rows(other, "SELECT status FROM v_facts_extracted WHERE report_id = ? AND seq = 2", [QY]) == \
        [("rejected",)]
    assert rows(other, "SELECT reviewer, action, uid FROM corrections ORDER BY created_at") == \
        [("王审", c.action, c.uid) for c in made if c is not made[2]] + [("李审", "reject", mine.uid)]
    # Importing again changes nothing.
    plan, bad = import_corrections(str(other), str(out))
    assert (len(plan.new), len(plan.duplicates), len(plan.conflicts), bad) == (0, 4, 1, [])
    export_corrections(str(other), str(tmp_path / "again.csv"))
    back, bad = C.read_csv(tmp_path / "again.csv")
    assert bad == [] and sorted(back, key=lambda c: c.uid) == sorted(
        [c for c in made if c is not made[2]] + [mine], key=lambda c: c.uid)


def test_csv_guards_formula_cells_and_round_trips_them_exactly(tmp_path):
    c = C.Correction(report_id=QY, content_hash=QY + "0" * 48, target="report", action="override", field="url",
                     new_text="=HYPERLINK(\"http://evil.example\")", old_text="'quoted", reviewer="@审",
                     reason="-1 件", created_at=T0)
    path = tmp_path / "c.csv"
    C.write_csv([c.params()], path)
    body = path.read_text(encoding="utf-8-sig").splitlines()[1]
    assert ",@审,'-1 件," not in body and ",'@审,'-1 件," in body
    assert "'=HYPERLINK" in body and "''quoted" in body
    assert C.read_csv(path) == ([c], [])


def test_a_guessed_agency_type_waits_for_review_until_a_reviewer_settles_it(db):
    """A type read from the work a report describes (no name says it) is flagged, and a reviewer's override,
    even one that restates the value, settles it."""
    sql = "SELECT agency_type, agency_type_src, needs_review, review_reasons, status FROM v_reports WHERE report_id = ?"
    assert rows(db, sql, [BA]) == [("development_reform", "inferred", True, "agency_type_guessed", "extracted")]
    with Warehouse.open(db) as wh:
        ba = wh.query("review_report", {"report_id": BA}).iloc[0].to_dict()
    with writing(db) as wh:
        C.save(wh, [C.meta_override(ba, "agency_type", "development_reform", "王审", "宝安区发改局官网")])
    assert rows(db, sql, [BA]) == [("development_reform", "review", False, "", "confirmed")]
