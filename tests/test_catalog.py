"""The indicator catalogue: covers the core codes exactly, validates, and is extensible by YAML alone."""
from __future__ import annotations

import csv

import pytest
import yaml

from etl.catalog import DEFAULT_PATH, CatalogError, load_catalog, parse_catalog
from etl.facts import extract_facts

from .conftest import FIXTURES

CORE = list(csv.DictReader((FIXTURES / "indicators-core.csv").open(encoding="utf-8")))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.mark.parametrize("row", CORE, ids=lambda r: r["code"])
def test_core_codes_match_the_spec(catalog, row):
    ind = catalog.get(row["code"])
    assert ind is not None and ind.core
    assert (ind.name_zh, ind.name_en, ind.unit, ind.area, ind.kind) == (
        row["name_zh"], row["name_en"], row["unit"], row["area"], row["kind"])


def test_only_spec_codes_are_core(catalog):
    assert {i.code for i in catalog.indicators if i.core} == {r["code"] for r in CORE}


def test_extra_indicators_present(catalog):
    extra = {i.code for i in catalog.indicators if not i.core}
    assert {"admin_penalty_cases", "petition_cases", "gov_service_items", "hearings", "legal_advisers",
            "enforcement_staff"} <= extra


def test_rates_derive_from_known_counts(catalog):
    assert catalog.get("mediation_success_rate").derive.numerator == "mediation_success"
    assert catalog.get("admin_review_correction_rate").derive.denominator == "admin_review_cases"


def _raw():
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def _entry(**kw):
    base = {"code": "x_items", "name_zh": "某事项数", "name_en": "Items", "unit": "件", "area": "other",
            "kind": "count", "triggers": ["某事项"]}
    base.update(kw)
    return base


@pytest.mark.parametrize("bad, message", [
    ({"kind": "ratio"}, "kind"),
    ({"unit": "%"}, "rate"),
    ({"triggers": []}, "trigger"),
    ({"triggers": ["(unclosed"]}, "bad pattern"),
    ({"triggers": [{"pattern": "x", "side": "left"}]}, "side"),
    ({"triggers": [{"pattern": "x", "confidence": "sure"}]}, "confidence"),
    ({"code": "Bad Code"}, "snake_case"),
    ({"name_en": ""}, "missing"),
    ({"derive": {"numerator": "a", "denominator": "b"}}, "derive"),
])
def test_validation_errors_name_the_problem(bad, message):
    with pytest.raises(CatalogError, match=message):
        parse_catalog({"indicators": [_entry(**bad)]})


def test_duplicate_codes_rejected():
    with pytest.raises(CatalogError, match="duplicate"):
        parse_catalog({"indicators": [_entry(), _entry()]})


def test_new_indicator_by_yaml_only(tmp_path):
    data = _raw()
    data["indicators"].append(_entry(
        code="notarizations", name_zh="公证件数", name_en="Notarisations", unit="件", area="legal_services",
        units=["件", "宗"], triggers=["办理(?:各类)?公证", {"pattern": "公证业务", "side": "after"}]))
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cat = load_catalog(path)
    text = "全年办理各类公证441件,开展6宗远程视频公证业务。"
    facts, _ = extract_facts(text, (), 2021, cat)
    assert [(f.indicator, f.value, f.unit) for f in facts] == [("notarizations", 441, "件"), ("notarizations", 6, "件")]


def test_money_indicator_by_yaml_only(tmp_path):
    data = _raw()
    data["indicators"].append(_entry(
        code="legal_publicity_funding", name_zh="普法经费", name_en="Legal publicity funding", unit="万元",
        area="education", kind="money", units=["万元", "元", "亿元"], triggers=["普法经费"]))
    path = tmp_path / "indicators.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cat = load_catalog(path)
    facts, _ = extract_facts("全年投入普法经费120万元。", (), 2021, cat)
    assert [(f.indicator, f.value, f.unit) for f in facts] == [("legal_publicity_funding", 120, "万元")]
    facts, _ = extract_facts("全年投入普法经费1.2亿元。", (), 2021, cat)
    assert [f.value for f in facts] == [12000]
    # the shipped catalogue has no money indicator, so money stays out
    assert extract_facts("全年投入普法经费120万元。", (), 2021, load_catalog())[0] == ()
