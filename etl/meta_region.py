"""Which administrative level and place a report speaks for, from names, self-references and mentions."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from etl.meta_agency import all_cues
from etl.regions import Gazetteer, Mention, Place, is_zone

_CJK = "\u4e00-\u9fff"
# The single character before 委/政府/局 that marks the level (区委, 省政府, 县司法局).
CHAR_LEVEL = {"省": "provincial", "市": "municipal", "州": "municipal", "盟": "municipal",
              "县": "county", "区": "county", "旗": "county"}
LEVEL_RANK = {"provincial": 0, "municipal": 1, "county": 2}

# Phrases a reporter uses about its own area. Lone '市政府' is left out: county reports cite their superiors.
_STRONG = {
    "county": (r"我县|全县|县委、?县政府|县委、?县人民政府|区委、?区政府|区委、?区人民政府"
               r"|党工委|管委会|我旗|全旗|旗委、?旗政府|依法治县|(?<!自治)依法治区"),
    "municipal": r"我市|全市|市委、?市政府|市委、?市人民政府|我州|全州|州委、?州政府|我盟|全盟|依法治市",
    "provincial": r"我省|全省|省委、?省政府|省委、?省人民政府|自治区人民政府|自治区党委|依法治省",
}
_WEAK_COUNTY = r"(?<!自治)(?:全区|我区)"  # in an autonomous region 全区 means the whole region


def level_signals(text: str) -> Counter:
    """Counts of own-area phrases per level (the lowest level with hits is usually the reporter's)."""
    c: Counter = Counter()
    for lvl, rx in _STRONG.items():
        c[lvl] = len(re.findall(rx, text))
    weak = len(re.findall(_WEAK_COUNTY, text))
    autonomous = text.count("自治区")
    if weak and not (c["county"] == 0 and autonomous >= 2 and not re.search(r"(?<!自治)区委|(?<!自治)区政府", text)):
        c["county"] += weak
    elif weak:
        c["provincial"] += weak
    return c


def lowest_level(c: Counter) -> Optional[str]:
    """The most local level with a fair share of hits (a city report's stray 管委会 does not make it a county's)."""
    top = max(c.values(), default=0)
    hits = [lvl for lvl in LEVEL_RANK if c.get(lvl) and c[lvl] * 4 >= top]
    return max(hits, key=LEVEL_RANK.get) if hits else None


def subject_level(subject: str, gaz: Gazetteer) -> Optional[str]:
    """Level implied by the opening subject: 我省 / 县委、县政府 / 南昌县 / 区司法局 / 自治区."""
    if not subject:
        return None
    if subject.startswith("自治区"):
        return "provincial"
    places = [p for m in gaz.find(subject) if m.kind == "full" or m.surface == subject for p in m.places[:1]]
    if places:
        return max((p.level for p in places), key=LEVEL_RANK.get)
    m = re.search(r"(?:我|全)([省市县区州旗盟])", subject) or re.match(r"^([省市县区州旗盟])", subject)
    return CHAR_LEVEL.get(m.group(1)) if m else None


# A township's government or a street office; the schema has no level below county.
TOWNSHIP = re.compile(r"[\u4e00-\u9fff](?:镇|乡|街道)(?:人民政府|政府|办事处)$")


def name_level(name: str, gaz: Gazetteer) -> Optional[str]:
    """Level of an agency name: its deepest place, a leading level character, or 分局 (a district branch)."""
    if name.endswith("分局") or TOWNSHIP.search(name):
        return "county"  # a district branch, or a township or street filed under its county
    places = [p for m in gaz.find(name) if m.kind == "full" for p in m.places[:1]]
    if places:
        return max((p.level for p in places), key=LEVEL_RANK.get)
    m = re.match(r"^(?:中共)?(自治区|[省市县区州旗盟])", name)
    if m:
        return "provincial" if m.group(1) == "自治区" else CHAR_LEVEL[m.group(1)]
    return None


def addressee_level(addr: Optional[str], reporter_is_government: bool) -> Optional[str]:
    """A government writes to the level above it; a department writes to its own Party committee/government."""
    if not addr:
        return None
    if "国务院" in addr:
        return "provincial"
    m = re.search(r"([省市县区州旗盟])(?:委|政府|人民政府)", addr)
    if not m:
        return None
    lvl = CHAR_LEVEL[m.group(1)]
    if reporter_is_government:
        down = {"provincial": "municipal", "municipal": "county"}
        return down.get(lvl)
    return lvl


@dataclass(frozen=True)
class Resolved:
    """The reporter's own place and the surface form the text used for it."""

    place: Optional[Place]
    surface: Optional[str]
    evidence: str
    ambiguous_name: Optional[str] = None  # a county name whose city/province the text does not settle


def _at_level(p: Place, level: str) -> bool:
    return p.level == level


def pick_place(mentions: list[Mention], level: str, gaz: Gazetteer, text: str, stems: bool = True) -> Resolved:
    """The most-mentioned place of the reporter's level; ambiguous names are settled by their parents' mentions.

    With `stems`, a county may be found by its bare stem (铜梁) as a last resort.
    """
    counts: Counter = Counter()
    first: dict[str, int] = {}
    by_surface: dict[str, Mention] = {}
    for m in mentions:
        if m.kind != "full" and level != "provincial":
            continue  # a bare 福建 can name a province but a bare 南昌 is too loose for a city
        if any(_at_level(p, level) for p in m.places):
            counts[m.surface] += 1
            first.setdefault(m.surface, m.start)
            by_surface[m.surface] = m
    if counts:
        surface = max(counts, key=lambda s: (counts[s], -first[s]))
        cands = [p for p in by_surface[surface].places if _at_level(p, level)]
        place = cands[0] if len(cands) == 1 else gaz.disambiguate(cands, mentions)
        ev = f"{surface} named {counts[surface]}x"
        if place is None:
            return Resolved(None, surface, ev, ambiguous_name=surface)
        return Resolved(place, surface, ev)
    if level == "county":
        return _pick_stem(mentions, gaz, text) if stems else Resolved(None, None, "")
    if level == "provincial":
        # '来陕考察…西安…': no province named, but the places named all lie in one province
        provs = Counter(m.places[0].province for m in mentions if len({p.province for p in m.places}) == 1)
        if provs:
            name, n = provs.most_common(1)[0]
            for p in gaz.lookup(name):
                if p.level == "provincial":
                    return Resolved(p, name, f"places named in the text lie in {name} ({n}x)")
    return Resolved(None, None, "")


def pick_county_city(mentions: list[Mention], gaz: Gazetteer, text: str) -> Resolved:
    """A county-level city (义乌市) for a report whose '我市/全市' would otherwise read as prefecture level."""
    only = [m for m in mentions if any(p.level == "county" and p.name.endswith("市") for p in m.places)]
    if not only:
        return Resolved(None, None, "")
    return pick_place(only, "county", gaz, text)


# A bare place stem reads as a name only at a word edge: 法治梁平, 铜梁具体举措, 开创法库高质量发展;
# never inside a word (和政 in 和政协委员, 公安 in 公安局).
_STEM_BEFORE = ("法治", "平安", "美丽", "建设", "开创", "助力", "推动", "服务", "全")
_STEM_AFTER = ("具体", "实际", "特色", "高质量", "经济", "发展", "全域", "法治", "人民", "群众", "实践", "样板")


def _stem_context(run: str, i: int, j: int) -> bool:
    if i == 0 and j == len(run):
        return True  # the stem alone between punctuation
    return run[:i].endswith(_STEM_BEFORE) or run[j:].startswith(_STEM_AFTER)


def _pick_stem(mentions: list[Mention], gaz: Gazetteer, text: str) -> Resolved:
    """A county named by its bare stem ('铜梁具体举措'); only unique stems that match the 区/县 self-phrases."""
    suffixes = {ch for ch in "区县旗" if re.search(f"{ch}委|{ch}政府|全{ch}|我{ch}", text)}
    hits: Counter = Counter()
    cues = all_cues()
    for m in re.finditer(r"[" + _CJK + "]{2,}", text[:20000]):
        run = m.group(0)
        for i in range(len(run) - 1):
            for j in range(min(len(run), i + 4), i + 1, -1):
                stem = run[i:j]
                cands = gaz.lookup_stem(stem)
                if len(cands) != 1 or any(stem in c for c in cues):
                    continue  # 公安县's stem is the word 公安 in 县公安局
                if cands[0].name[-1] in suffixes and not gaz.lookup_alias(stem) and _stem_context(run, i, j):
                    hits[cands[0]] += 1
    if len(hits) == 1:
        place, n = hits.most_common(1)[0]
        return Resolved(place, place.name, f"{place.alias} (bare name) {n}x")
    return Resolved(None, None, "")


def region_prefix(place: Optional[Place], surface: Optional[str], text: str = "") -> Optional[str]:
    """Name prefix for the agency: 福建省 / 长治市 / 南昌县 / 深圳市宝安区 (districts carry their city).

    A county keeps its city too when the text itself writes them together (滨州市博兴县).
    """
    if place is None:
        return None
    own = surface if surface and place.level == "county" and place.code != "supplement" else place.name
    if place.level == "county" and place.city and place.city != own and place.city + own in text:
        return place.city + own
    if is_zone(place) and own.startswith(place.province[:2]):
        return own  # a zone named after its province (广西-东盟经济技术开发区) is not put behind its host city
    if place.level == "county" and own.endswith("区") and not own.endswith(("地区", "自治区")) and place.city:
        city_stem = place.city[:-1] if len(place.city) > 2 else place.city
        if not own.startswith(city_stem):  # 武汉东湖新技术开发区 already carries its city
            return place.city + own
    return own


def named_agencies(text: str, mentions: list[Mention]) -> list[tuple[str, str, int]]:
    """Department names written out in the text: (full string, body without place prefix, start offset)."""
    out: list[tuple[str, str, int]] = []
    body_rx = re.compile(r"[" + _CJK + r"]{1,14}?(?:局|厅|委员会)(?:[" + _CJK + r"]{2,4}分局)?")
    # Chains of adjacent place names (深圳市 + 深汕特别合作区) followed by a department body.
    i = 0
    while i < len(mentions):
        j = i
        while j + 1 < len(mentions) and mentions[j + 1].start == mentions[j].end:
            j += 1
        end = mentions[j].end
        m = body_rx.match(text, end)
        if m and not any(x.start < m.end() for x in mentions[j + 1:j + 2]):
            out.append((text[mentions[i].start:m.end()], m.group(0), mentions[i].start))
        i = j + 1
    # A level character standing in for the place at a phrase boundary ('《市文化旅游广电局…', ',区司法局坚持').
    for m in re.finditer(r"(?:^|(?<=[^" + _CJK + r"])|(?<=[在由向经和与及的]))([省市区县州旗])(" +
                         body_rx.pattern + ")", text, re.M):
        out.append((m.group(0), m.group(2), m.start()))
    return out


# A place name that runs into the next word is not that place: 和平区域 (区域), 中山路, 老城区改造.
_CROSSES_AFTER = {"区": "域划间块", "县": "域"}
_STEM_WORD_AFTER = re.compile(r"^(?:路|街|大道|大街|公园|广场|大学|学院|站|机场|港|号|精神|装|山|湖|江|河|桥|村|镇|乡)")
# Names that are also common nouns: a place only beside another place or an agency (洛阳市老城区, 城区人民政府).
_COMMON_NOUN_NAMES = frozenset({"老城区", "新城区", "城区", "郊区", "矿区", "新区", "市中区", "城中区"})
_AGENCY_AFTER = re.compile(r"^(?:人民政府|政府|区委|党委|[\u4e00-\u9fff]{0,10}?(?:局|厅|委员会|管委会))")


def word_safe(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions that stand as words: none that runs into the next word or is a common noun on its own."""
    out = []
    for i, m in enumerate(mentions):
        nxt = text[m.end:m.end + 1]
        if nxt and nxt in _CROSSES_AFTER.get(m.surface[-1], ""):
            continue
        if m.kind == "alias" and _STEM_WORD_AFTER.match(text[m.end:m.end + 2]):
            continue
        if m.surface in _COMMON_NOUN_NAMES:
            chained = i > 0 and mentions[i - 1].end == m.start
            if not chained and not _AGENCY_AFTER.match(text[m.end:m.end + 12]):
                continue
        out.append(m)
    return out


def agreeing(res: Resolved, mentions: list[Mention]) -> Resolved:
    """A place picked from the text (not from the reporter's name) must lie in a province the text names;
    when every unambiguous place names another province, the place stays unknown (and goes to review)."""
    if res.place is None:
        return res
    provinces = {m.places[0].province for m in mentions
                 if m.kind == "full" and len({p.province for p in m.places}) == 1 and m.surface != res.surface}
    if provinces and res.place.province not in provinces:
        return Resolved(None, None, "")
    return res


def only_city_alias(mentions: list[Mention]) -> Optional[Resolved]:
    """'市司法局…为大连振兴发展…': the one prefecture-level city the text names by its bare name, if only one."""
    cities = {m.places[0].name: m for m in mentions
              if m.kind == "alias" and len(m.places) == 1 and m.places[0].level == "municipal"}
    if len(cities) != 1:
        return None
    (m,) = cities.values()
    return Resolved(m.places[0], m.places[0].name, f"the only city named: {m.surface}")
