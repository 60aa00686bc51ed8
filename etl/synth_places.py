"""Who writes a synthetic report: a real province/city/county from JioNLP's division data and an agency of it."""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from etl.regions import location_file, read_location_text

AGENCY_TYPES_CSV = Path(__file__).parent / "catalog" / "agency_types.csv"
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_SKIPPED_PROVINCES = ("香港特别行政区", "澳门特别行政区", "台湾省")
_DIRECT = "省直辖行政区划"  # county-level cities under a province: no prefecture to put in `city`


@dataclass(frozen=True)
class City:
    name: str
    short: str
    counties: tuple[tuple[str, str], ...]  # (name, short)


@dataclass(frozen=True)
class Province:
    name: str
    short: str
    cities: tuple[City, ...]


@dataclass(frozen=True)
class Divisions:
    """Provinces → cities → counties, in file order (so that a seed always picks the same places)."""

    provinces: tuple[Province, ...]
    cities: tuple[tuple[Province, City], ...]
    counties: tuple[tuple[Province, City, str, str], ...]


@dataclass(frozen=True)
class Entity:
    """The author of one report and the words the prose uses to refer to it and to its superiors."""

    agency: str  # as the truth records it (joint reports: '中共X委、X人民政府')
    title_agency: str  # as the title writes it
    agency_type: str
    level: str
    province: str
    city: Optional[str]
    county: Optional[str]
    joint: bool
    place: str  # the full name of its region: 长寿区, 清远市, 湖南省
    levelword: str  # 县, 区, 市, 州, 省, 自治区 …
    upper_levelword: str
    self_word: str  # 我县, 我局 …
    subject: str  # how the opening names the author: 县政府, 长沙县司法局 …
    area: str  # 全县, 全局 …
    lead: str  # 县委、县政府 …
    upper: str  # the government the report goes to or files with
    upper_place: str
    selfgov: str
    abbr: str  # short place name for document numbers (长寿府办发)


def load_divisions(path: Optional[Path] = None) -> Divisions:
    """Read provinces, prefecture-level cities and counties (deeper lines, towns and villages, are skipped)."""
    provinces: list[Province] = []
    cur_p: Optional[list] = None
    cur_c: Optional[list] = None
    for line in read_location_text(path or location_file()).splitlines():
        if line.startswith("\t\t\t"):
            continue
        depth = len(line) - len(line.lstrip("\t"))
        cols = line.strip().split("\t")
        name, short = cols[0], cols[-1]
        if depth == 0:
            cur_p = None if name in _SKIPPED_PROVINCES else [name, short, []]
            if cur_p:
                provinces.append(cur_p)  # type: ignore[arg-type]
        elif depth == 1 and cur_p is not None:
            cur_c = None if name == _DIRECT else [name, short, []]
            if cur_c:
                cur_p[2].append(cur_c)
        elif depth == 2 and cur_p is not None and cur_c is not None:
            cur_c[2].append((name, short))
    frozen = tuple(Province(p[0], p[1], tuple(City(c[0], c[1], tuple(c[2])) for c in p[2])) for p in provinces)
    cities = tuple((p, c) for p in frozen for c in p.cities)
    counties = tuple((p, c, n, s) for p, c in cities for n, s in c.counties)
    return Divisions(frozen, cities, counties)


def load_agency_types(path: Path = AGENCY_TYPES_CSV) -> dict[str, dict[str, str]]:
    """Agency type code → the row of agency_types.csv (only the columns named here are used)."""
    with open(path, encoding="utf-8") as f:
        return {row["code"]: row for row in csv.DictReader(f) if row.get("county_name")}


def _levelword(name: str, level: str) -> str:
    for suffix in ("自治区", "自治州", "地区", "自治县", "自治旗", "特区", "林区"):
        if name.endswith(suffix):
            return {"自治区": "自治区", "自治州": "州", "自治县": "县", "自治旗": "旗"}.get(suffix, "区")
    return name[-1] if name[-1] in "省市县区旗州盟" else {"provincial": "省", "municipal": "市"}.get(level, "县")


def _party_gov(lw: str) -> str:
    return "自治区党委、自治区人民政府" if lw == "自治区" else f"{lw}委、{lw}政府"


def _pick_level(rng: random.Random, cfg: dict) -> str:
    levels = cfg["levels"]
    return rng.choices(list(levels), weights=list(levels.values()))[0]


def _pick_type(rng: random.Random, cfg: dict, types: dict) -> str:
    fixed = cfg["agency_weights"]
    rest = [c for c in types if c not in fixed]
    share = (1 - sum(fixed.values())) / len(rest)
    codes = list(fixed) + rest
    return rng.choices(codes, weights=list(fixed.values()) + [share] * len(rest))[0]


def _dept_name(row: dict, level: str, place_name: str, municipality: bool, overrides: dict) -> str:
    code = row["code"]
    if code in overrides:
        return overrides[code].format(place=place_name)
    # The four municipalities' own departments are named like a city's (北京市司法局, not 司法厅).
    column = "municipal_name" if municipality or level == "municipal" else f"{level}_name"
    return place_name + row[column]


def pick_entity(rng: random.Random, div: Divisions, types: dict, cfg: dict) -> Entity:
    """Choose level, region and agency type, and derive the names the report will use."""
    level = _pick_level(rng, cfg)
    code = _pick_type(rng, cfg, types)
    city: Optional[str] = None
    county: Optional[str] = None
    if level == "county":
        p, c, county, short = rng.choice(div.counties)
        city = c.name
        municipality = p.name in MUNICIPALITIES
        prefix_share = 0.6 if municipality else 0.25
        place = county
        long_place = (p.name if municipality else c.name) + county
        named = long_place if rng.random() < prefix_share else county
        upper_lw = "市" if municipality else _levelword(c.name, "municipal")
        upper_place = c.name
    elif level == "municipal":
        p, c = rng.choice(div.cities)
        city, short, place, named = c.name, c.short, c.name, c.name
        municipality = False
        upper_lw = _levelword(p.name, "provincial")
        upper_place = p.name
    else:
        p = rng.choice(div.provinces)
        short, place, named = p.short, p.name, p.name
        municipality = p.name in MUNICIPALITIES
        city = p.name if municipality else None
        upper_lw, upper_place = "国务院", "国务院"
    lw = _levelword(place, level)
    row = types[code]
    joint = code == "government" and rng.random() < cfg["joint_share"] and lw != "自治区"
    if code == "government":
        gov = f"{named}人民政府"
        agency = f"中共{named}委、{gov}" if joint else gov
        sep = rng.choice(["", " ", "、"])
        title_agency = f"中共{named}委{sep}{gov}" if joint else gov
        self_word = "自治区" if lw == "自治区" else f"我{lw}"
        subject = rng.choice([f"{lw}政府" if lw != "自治区" else "自治区人民政府", named, f"全{lw}各级行政机关"])
        area = f"全{lw}"
        lead = "党中央、国务院" if level == "provincial" else f"{_party_gov(upper_lw)}和{lw}委"
        upper = "国务院" if level == "provincial" else f"{upper_lw}政府"
        selfgov = f"{lw}政府"
    else:
        agency = title_agency = _dept_name(row, level, named, municipality, cfg["agency_name_overrides"])
        ending = "厅" if agency.endswith("厅") else "委" if agency.endswith("委员会") else "局"
        self_word = f"我{ending}"
        subject = rng.choice([agency, f"{lw}{agency[len(named):]}" if agency.startswith(named) else agency])
        area = rng.choice(["全局", f"全{lw}"]) if ending == "局" else f"全{lw}"
        lead = _party_gov(lw)
        upper = f"{lw}政府" if lw != "自治区" else "自治区人民政府"
        selfgov = self_word[1:]
    return Entity(
        agency=agency, title_agency=title_agency, agency_type=code, level=level, province=p.name, city=city,
        county=county, joint=joint, place=place, levelword=lw, upper_levelword=upper_lw, self_word=self_word,
        subject=subject, area=area, lead=lead, upper=upper, upper_place=upper_place, selfgov=selfgov, abbr=short,
    )
