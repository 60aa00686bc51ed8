"""Gazetteer: lone districts, ambiguous names, municipalities, short forms, supplement zones, speed."""
from __future__ import annotations

import time

import pytest

from etl.regions import Gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_load_is_cached_and_fast_enough(gaz):
    t0 = time.perf_counter()
    assert Gazetteer.load() is gaz  # the second call is the cached instance
    assert time.perf_counter() - t0 < 0.1
    assert len(gaz.places) > 3000  # ~34 provinces, ~330 cities, ~2800 counties


def test_district_named_alone_resolves_to_city_and_province(gaz):
    p = gaz.resolve("宝安区")
    assert (p.name, p.level, p.city, p.province) == ("宝安区", "county", "深圳市", "广东省")


def test_ambiguous_district_stays_unresolved_without_context(gaz):
    assert len(gaz.lookup("城中区")) == 2
    assert gaz.resolve("城中区") is None
    assert gaz.resolve("城中区", context="2025年以来,城中区应急管理局在区委、区政府领导下") is None


@pytest.mark.parametrize("context,city,province", [
    ("西宁市城中区应急管理局", "西宁市", "青海省"),
    ("组织干部参加青海干部网络学院学习,城中区", "西宁市", "青海省"),
    ("柳州市城中区人民政府", "柳州市", "广西壮族自治区"),
])
def test_ambiguous_district_settled_by_context(gaz, context, city, province):
    p = gaz.resolve("城中区", context=context)
    assert (p.city, p.province) == (city, province)


def test_municipality_districts_are_county_level(gaz):
    p = gaz.resolve("长寿区")
    assert (p.level, p.city, p.province) == ("county", "重庆市", "重庆市")
    cq = gaz.resolve("重庆市")
    assert (cq.level, cq.province, cq.city) == ("provincial", "重庆市", "重庆市")
    assert gaz.resolve("浦东新区").province == "上海市"


def test_autonomous_prefecture_and_county_short_forms(gaz):
    hh = gaz.resolve("红河州")
    assert (hh.name, hh.level, hh.province) == ("红河哈尼族彝族自治州", "municipal", "云南省")
    jp = gaz.resolve("金平县")
    assert (jp.name, jp.city, jp.level) == ("金平苗族瑶族傣族自治县", "红河哈尼族彝族自治州", "county")


def test_supplement_zone(gaz):
    p = gaz.resolve("深汕特别合作区")
    assert (p.level, p.city, p.province, p.code) == ("county", "深圳市", "广东省", "supplement")


def test_former_names_map_to_current_units(gaz):
    assert gaz.resolve("襄樊市").name == "襄阳市"


def test_bare_stem_lookup(gaz):
    assert [p.name for p in gaz.lookup_stem("铜梁")] == ["铜梁区"]


def test_find_uses_longest_names_and_clean_boundaries(gaz):
    found = [m.surface for m in gaz.find("中共白山市浑江区委、吉林市、吉林省、在市委和县委的领导下,现代县域经济")]
    assert found == ["白山市", "浑江区", "吉林市", "吉林省"]  # not 和县 or 代县 inside other words
    assert [m.surface for m in gaz.find("菏泽市曹县人民政府")] == ["菏泽市", "曹县"]
    assert [m.surface for m in gaz.find("阳泉市郊区;城区转型")] == ["阳泉市", "郊区"]


def test_aliases_are_marked(gaz):
    kinds = {m.surface: m.kind for m in gaz.find("在《福建日报》发表文章,深圳市")}
    assert kinds == {"福建": "alias", "深圳市": "full"}


def test_find_is_fast(gaz):
    text = "全区法治政府建设取得新成效,宝安区、城中区、深圳市。" * 1000
    t0 = time.perf_counter()
    gaz.find(text)
    assert time.perf_counter() - t0 < 1.0


def test_supplement_short_forms_point_at_official_units(gaz):
    assert gaz.resolve("成都高新区").name == "成都高新技术产业开发区"
    assert gaz.resolve("东湖高新区").city == "武汉市"
    assert gaz.lookup("高新区") == ()  # the bare word is every city's zone: never a place by itself


def test_placeholder_rows_are_not_places(gaz):
    assert not [p for p in gaz.places if "直辖行政区划" in p.name]
    xt = gaz.resolve("仙桃市")  # run by the province directly: no prefecture above it
    assert (xt.level, xt.city, xt.province) == ("county", None, "湖北省")
