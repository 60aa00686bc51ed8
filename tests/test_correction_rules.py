"""A corrected number is checked like an extracted one: in the UI, in CSV import and by the data checks."""
from __future__ import annotations

import csv
from datetime import datetime

import pytest

from etl import corrections as C
from etl.catalog import load_catalog
from etl.correction_rules import value_problem
from etl.review_cli import import_corrections
from etl.warehouse import Warehouse, writing

from .test_review import QY, fact, rows


def _rate_fact(db):
    with Warehouse.open(db) as wh:
        f = wh.con.execute("SELECT seq FROM v_facts f JOIN indicators i ON i.code = f.indicator "
                           "WHERE report_id = ? AND i.kind = 'rate' ORDER BY seq LIMIT 1", [QY]).fetchone()
        text = wh.query("report_text", {"report_id": QY}).iat[0, 0]
        h = wh.con.execute("SELECT content_hash FROM reports WHERE report_id = ?", [QY]).fetchone()[0]
        return fact(wh, QY, f[0]), text, h


@pytest.mark.parametrize("value, unit, why", [
    (150, "%", "比率应在 0–100 之间,而不是 150 / a rate lies between 0 and 100, not 150"),
    (-3, "%", "比率应在 0–100 之间,而不是 -3 / a rate lies between 0 and 100, not -3"),
    (50, "件", "行政复议纠错率的单位应为“%” / Administrative review correction rate is counted in %, not 件"),
])
def test_a_reviewer_cannot_save_a_value_that_breaks_a_rule(db, value, unit, why):
    f, text, h = _rate_fact(db)
    assert f["indicator"] == "admin_review_correction_rate"
    bad = C.fact_action(f, h, text, "edit", "王审", "", new_value=value, new_unit=unit)
    with writing(db) as wh, pytest.raises(ValueError) as err:
        C.save(wh, [bad])
    assert str(err.value) == why
    assert rows(db, "SELECT count(*) FROM corrections") == [(0,)]  # nothing written


def test_counts_and_the_corpus_range():
    cat = load_catalog()
    assert value_problem("trained_persons", -1, "人次", cat) == "数量不能为负数 -1 / a count cannot be negative (-1)"
    assert value_problem("trained_persons", 999, "人次", cat, (100.0, 25)) is None
    assert value_problem("trained_persons", 1001, "人次", cat, (100.0, 25)).startswith(
        "1001 超过语料中该指标最大值 100 的 10 倍")
    assert value_problem("trained_persons", 1001, "人次", cat, (100.0, 5)) is None  # too few to know a range
    assert value_problem("no_such_code", 1, "件", cat) == "未知指标 no_such_code / unknown indicator no_such_code"


def test_csv_import_refuses_a_bad_row_with_its_reason_and_takes_the_rest(db, tmp_path):
    f, text, h = _rate_fact(db)
    with Warehouse.open(db) as wh:
        f0 = fact(wh, QY, 0)
    good = C.fact_action(f0, h, text, "confirm", "王审")
    bad = C.fact_action(f, h, text, "edit", "王审", "", new_value=150, new_unit="%")
    path = tmp_path / "c.csv"
    C.write_csv([c.__dict__ | {"created_at": "2026-01-05 09:00:00"} for c in (good, bad)], path)
    with open(path, encoding="utf-8-sig") as fh:
        assert len(list(csv.DictReader(fh))) == 2
    plan, refused = import_corrections(str(db), str(path))
    assert [c.uid for c in plan.new] == [good.uid]
    assert refused == [(3, "比率应在 0–100 之间,而不是 150 / a rate lies between 0 and 100, not 150")]
    assert rows(db, "SELECT uid FROM corrections") == [(good.uid,)]


def test_the_data_checks_see_corrected_values(db):
    # A correction written around the rules (here straight into the table) is caught on what users see.
    f, text, h = _rate_fact(db)
    bad = C.fact_action(f, h, text, "edit", "王审", "", new_value=150, new_unit="%")
    with writing(db) as wh:
        wh.execute("add_correction", bad.params())
    with Warehouse.open(db) as wh:
        failures = wh.run_checks()
    assert list(failures) == ["effective_values_follow_their_indicator"]
    assert failures["effective_values_follow_their_indicator"][0][2:] == (
        "admin_review_correction_rate", 150.0, "%", "corrected")


@pytest.mark.parametrize("change, reason", [
    (dict(char_start=10**9, char_end=10**9 + 2), "an offset lies outside any report text"),
    (dict(evidence_start=-5), "an offset lies outside any report text"),
    (dict(reason="理" * 130_000), "the reason or a text is too long"),
    (dict(created_at=datetime(9999, 12, 31)), "created_at is not a plausible time (not in the future)"),
    (dict(reviewer="王审\x1b[31m"), "the reviewer's name has control characters or is too long"),
])
def test_a_hostile_csv_row_is_refused_alone(db, tmp_path, change, reason):
    # Regression: an out-of-range offset or a 128 KB reason gave a traceback and rejected the whole file; a
    # created_at of 9999-12-31 made an override impossible to replace.
    import dataclasses

    f, text, h = _rate_fact(db)
    with Warehouse.open(db) as wh:
        f0 = fact(wh, QY, 0)
    good = C.fact_action(f0, h, text, "confirm", "王审")
    bad = dataclasses.replace(C.fact_action(f, h, text, "confirm", "王审"), **change)
    path = tmp_path / "c.csv"
    C.write_csv([c.__dict__ for c in (good, bad)], path)
    plan, refused = import_corrections(str(db), str(path))
    assert [c.uid for c in plan.new] == [good.uid]
    assert [(line, why.split(" / ")[-1]) for line, why in refused] == [(3, reason)]
