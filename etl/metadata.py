"""Report metadata (agency, type, level, place, year, date) from the text, plus manifest overrides."""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import Optional

from etl.meta_agency import canonical_name, classify_name, official_name, score_work
from etl.meta_dates import find_published, find_year
from etl.meta_header import header_issuer, report_phrase_agency
from etl.meta_region import (
    CHAR_LEVEL,
    LEVEL_RANK,
    TOWNSHIP,
    Resolved,
    addressee_level,
    agreeing,
    level_signals,
    lowest_level,
    name_level,
    named_agencies,
    only_city_alias,
    pick_county_city,
    pick_place,
    region_prefix,
    subject_level,
    word_safe,
)
from etl.meta_title import (
    addressee,
    find_title,
    inline_title,
    normalise_agency,
    opening_subject,
    signature_agency,
    title_agency,
)
from etl.records import META_FIELDS, MetaField, ReportMeta
from etl.regions import MUNICIPALITIES, Gazetteer, Mention, Place, is_zone

_SCAN = 30000  # characters scanned for place names; the opening and headers carry the identity
# A department speaking of itself; a bare 分局 is often someone else's (公安分局), so it needs 我/本/党组.
_DEPT_SELF = re.compile(r"我[局厅委]|本[局厅委]|我分局|本分局|[局厅]党组|分局(?:党组|领导班子)")
# Evidence prefix of a department type guessed from the work a report describes: rows.py flags it for review.
WORK_CUES = "work cues"
_MIN_WORK = 2  # work-cue hits needed before a department's type is inferred from what it does
_ZONE_SUBJECT = re.compile(r"(?:新区|开发区|高新区|经开区|园区|实验区|合作区|经济区|示范区|自贸区|保税区)$")
_BARE_ZONE = re.compile(r"^(?:本|我)?(高新区|经开区|经济开发区|开发区|新区)(?:管委会|管理委员会|党工委)?$")
_GOV_SUBJECT = re.compile(r"委|政府|^我[省市县区州旗盟]|^全[省市县区州旗盟]|^自治区")


def _subject_kind(subject: Optional[str], gaz: Gazetteer) -> tuple[Optional[str], Optional[str]]:
    """('dept'|'gov'|None, type code) for the opening subject."""
    if not subject:
        return None, None
    if re.search(r"我[局厅委]|本[局厅委]", subject):
        return "dept", None
    code = classify_name(subject)
    if code and code != "government":
        return "dept", code
    if "系统" in subject:  # 全市司法行政系统: the department speaking for its whole line of work
        scores = score_work(subject)
        return "dept", scores[0][1] if scores else None
    if code == "government" or _GOV_SUBJECT.search(subject) or _ZONE_SUBJECT.search(subject):
        return "gov", "government"  # a zone speaking for itself (广西-东盟经济技术开发区) is its 管理委员会
    if any(m.kind == "full" for m in gaz.find(subject)) or gaz.lookup_alias(subject):
        return "gov", "government"  # '南昌县全面贯彻…' / '绍兴深入学习…': the place itself acts, i.e. its government
    return None, None


def _places_in(name: str, gaz: Gazetteer, text_mentions: list[Mention]) -> Resolved:
    """The deepest place written in an agency name, settled against the whole text if ambiguous."""
    best: Optional[Resolved] = None
    own = gaz.find(name)
    for m in own:
        if m.kind != "full" and m.surface != name:
            continue  # a bare 绍兴 counts only when it is the whole subject
        # the name's own parents (北京市朝阳区) settle it first, then the rest of the text
        place = m.places[0] if len(m.places) == 1 else (gaz.disambiguate(m.places, own)
                                                        or gaz.disambiguate(m.places, text_mentions))
        lvl = m.places[0].level
        if best is None or LEVEL_RANK[lvl] >= LEVEL_RANK[(best.place or m.places[0]).level]:
            best = Resolved(place, m.surface, f"{m.surface} in {name}",
                            ambiguous_name=m.surface if place is None else None)
    return best or Resolved(None, None, "")


def _own_named(text: str, mentions: list[Mention], code: str, level: Optional[str],
               gaz: Gazetteer) -> Optional[tuple[str, str]]:
    """The reporter's own name as written somewhere in the text (in a document title, a header…)."""
    counts: Counter = Counter()
    bodies: dict[str, str] = {}
    for full, body, _ in named_agencies(text, mentions):
        if classify_name(body) != code:
            continue
        lvl = name_level(full, gaz)
        if level and lvl and lvl != level:
            continue  # the superior or a subordinate of the same line (省自然资源厅 in a county report)
        counts[full] += 1
        bodies[full] = body
    if not counts:
        return None
    # Prefer a name carrying its place over a bare 市X局, then the most frequent.
    full = max(counts, key=lambda f: (f[0] not in CHAR_LEVEL, counts[f]))
    return full, bodies[full]


def _province_fallback(mentions: list[Mention]) -> Optional[Place]:
    """The most-mentioned province (full name or bare 福建/青海) when the reporter's place is unknown."""
    c: Counter = Counter()
    for m in mentions:
        provs = {p.province for p in m.places}
        if len(provs) == 1:
            c[provs.pop()] += 1
    if not c:
        return None
    name, _ = c.most_common(1)[0]
    return Place(name, "provincial", name, None)


@dataclasses.dataclass
class _Reporter:
    """Who wrote the report, as far as the title, signature and opening say (working state)."""

    agency: MetaField = dataclasses.field(default_factory=MetaField)
    agency_type: MetaField = dataclasses.field(default_factory=MetaField)
    name_src: Optional[str] = None  # the string naming the reporter, searched for its place
    body: Optional[str] = None  # department name without place prefix, when the text gives one


def extract_metadata(text: str, file_name: str = "", gazetteer: Optional[Gazetteer] = None) -> ReportMeta:
    """Metadata read from the report text; unknown fields stay MetaField(), inferred ones say so.

    `file_name` is used only when the text has no title line and the name reads like one.
    """
    gaz = gazetteer or Gazetteer.load()
    text = text or ""
    scan = text[:_SCAN]
    mentions = word_safe(scan, gaz.find(scan))
    title = find_title(text) or inline_title(scan, mentions)
    from_file = False
    if title is None and file_name:
        # Downloads are often named after the report ('XX县司法局2022年度法治政府建设情况报告.docx').
        title = find_title(re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file_name.replace("\\", "/").rsplit("/", 1)[-1]))
        from_file = title is not None
    published = find_published(text)
    year = find_year(text, title, published.value)
    t_name = title_agency(title)
    if t_name and not (classify_name(t_name) or gaz.find(t_name)):
        t_name = None  # '法治政府建设年度报告': the words before 年度 are no agency
    subject = opening_subject(text)

    rep = _from_title_or_signature(text, title, t_name, gaz)
    if rep.agency_type.value is None:
        rep = _from_opening(scan, subject, gaz)
        rep = _from_header(text, rep, gaz) or rep
    level = MetaField()
    lvl = _decide_level(text, scan, title, rep.name_src, subject, rep.agency_type.value, gaz)
    if lvl:
        level = MetaField(*lvl)
    if rep.agency_type.value not in (None, "government") and rep.body is None:
        own = _own_named(scan, mentions, rep.agency_type.value, level.value, gaz)
        if own:
            rep.name_src = rep.name_src or own[0]
            rep.body = own[1]

    res, level = _resolve_place(rep.name_src, level, mentions, scan, gaz)
    if not (rep.name_src and res.surface and res.surface in rep.name_src):
        res = agreeing(res, mentions)  # the place came from the text, not from the reporter's own name
    fields = _place_fields(res, level.value, mentions, title, t_name)
    agency = rep.agency
    if agency.value is None and rep.agency_type.value:
        agency = _build_agency(rep.agency_type.value, level.value, res, rep.body, text)
    agency = _official(agency, res, text)
    meta = ReportMeta(agency=agency, agency_type=rep.agency_type, level=level, year=year, published=published,
                      title=None if from_file else title, **fields)
    return _demote_file_title(meta) if from_file else meta


def _from_title_or_signature(text: str, title: Optional[str], t_name: Optional[str], gaz: Gazetteer) -> _Reporter:
    rep = _Reporter()
    sig = None if t_name else signature_agency(text)
    if not (t_name or sig):
        return rep
    name = normalise_agency(t_name or sig)
    src, ev = ("title", title) if t_name else ("body", f"signature line: {sig}")
    code = classify_name(name)
    if code is None and any(m.kind == "full" for m in gaz.find(name)):
        rep.agency_type = MetaField("government", "inferred", f"{src} names only the place: {name}")
        rep.name_src = name
    elif code:
        rep.agency_type = MetaField(code, src, name)
        rep.name_src = name
        if _starts_with_place(name) and not _bare_township(name, gaz):
            rep.agency = MetaField(name, src, ev)
        else:
            # '市司法局…' and '石家乡人民政府…': the place prefix (the county of a township) is added later
            rep.body = _strip_place(name, gaz)
    return rep


def _bare_township(name: str, gaz: Gazetteer) -> bool:
    """石家乡人民政府 without its county: a township or street office whose name carries no county."""
    return bool(TOWNSHIP.search(name)) and not any(
        m.kind == "full" and m.places[0].level != "provincial" for m in gaz.find(name))


def _from_header(text: str, opening: _Reporter, gaz: Gazetteer) -> Optional[_Reporter]:
    """A report without a title names its reporter in the page header (发布机构:) or in '现将X2022年…报告如下'.

    Taken when the opening settled nothing, guessed from work cues, or agrees on the type (the header then
    gives the full name); a header naming a department never overrides an opening that speaks as the government.
    """
    for found, src in ((header_issuer(text), "header"), (report_phrase_agency(text), "body")):
        if not found:
            continue
        name = official_name(normalise_agency(found[0]))
        code = classify_name(name)
        if code is None and any(m.kind == "full" and m.end == len(name) for m in gaz.find(name)):
            code = "government"  # '现将伊犁州2021年度…': the place itself reports
        if code is None:
            continue
        known = opening.agency_type
        if known.value not in (None, code) and known.source != "inferred":
            continue
        rep = _Reporter(agency_type=MetaField(code, src, found[1]), name_src=name)
        if code != "government" and _starts_with_place(name):
            rep.agency = MetaField(name, src, found[1])
        elif code != "government":
            rep.body = _strip_place(name, gaz)
        return rep
    return None


def _from_opening(scan: str, subject: Optional[str], gaz: Gazetteer) -> _Reporter:
    """Government or department from the opening subject, self-references (我局) and the work described."""
    rep = _Reporter()
    s_kind, s_code = _subject_kind(subject, gaz)
    dept_hits = _DEPT_SELF.findall(scan)
    if s_kind == "gov" or (s_kind is None and not dept_hits and _gov_context(scan)):
        rep.agency_type = MetaField("government", "body" if s_kind == "gov" else "inferred",
                                    f"opening subject: {subject}" if subject else "no department self-reference")
        rep.name_src = subject if s_kind == "gov" else None
    elif s_kind == "dept" or dept_hits:
        code, ev = s_code, f"opening subject: {subject}"
        if code is None:
            scores = score_work(scan)
            # one stray word (审计监督) or a tie settles nothing
            if scores and scores[0][0] >= _MIN_WORK and (len(scores) == 1 or scores[0][0] > scores[1][0]):
                code = scores[0][1]
                ev = f"{WORK_CUES} ({scores[0][0]} hits; runner-up {scores[1][1] if len(scores) > 1 else '-'})"
        if code:
            rep.agency_type = MetaField(code, "body" if s_code else "inferred", ev)
        if s_code and re.search(r"(局|厅|委员会)$", subject or ""):
            rep.name_src, rep.body = subject, _strip_place(subject, gaz)
    return rep


def _resolve_place(name_src: Optional[str], level: MetaField, mentions: list[Mention], scan: str,
                   gaz: Gazetteer) -> tuple[Resolved, MetaField]:
    """The reporter's place: from its name, else the most-mentioned place of its level."""
    res = _places_in(name_src, gaz, mentions) if name_src else Resolved(None, None, "")
    if res.place is None and res.ambiguous_name is None and level.value:
        # a name that gave no known place (郊区自然资源局) is not replaced by a guess from bare stems
        res = pick_place(mentions, level.value, gaz, scan, stems=name_src is None or _is_bare_level(name_src))
    if res.place is not None and level.value and LEVEL_RANK[res.place.level] < LEVEL_RANK[level.value]:
        # the name gave only the parent (市X局Y分局): look for the reporter's own level in the text
        deeper = pick_place(mentions, level.value, gaz, scan, stems=False)
        res = deeper if deeper.place or deeper.ambiguous_name else res
    zone = _BARE_ZONE.match(name_src or "")
    if res.place is None and zone:
        # '高新区坚持…' writing to 市委、市政府: the zone of that kind in the city the text names
        city = pick_place(mentions, "municipal", gaz, scan, stems=False)
        place = gaz.zone_in(city.place.name, zone.group(1)) if city.place else None
        if place is not None:
            res = Resolved(place, place.name, f"{zone.group(1)} of {city.place.name}")
            level = MetaField("county", "inferred", f"{place.name} is a functional zone")
    if res.place is None and res.ambiguous_name is None and level.value == "municipal":
        county_city = pick_county_city(mentions, gaz, scan)
        if county_city.place is not None:
            res = county_city
            level = MetaField("county", "inferred", f"{county_city.surface} is a county-level city")
        else:
            # 我市 in 重庆/北京/天津/上海 speaks for a provincial-level municipality
            muni = pick_place([m for m in mentions if m.places[0].name in MUNICIPALITIES], "provincial", gaz, scan)
            if muni.place is not None:
                res = muni
                level = MetaField("provincial", "inferred", f"{muni.surface} is a provincial-level municipality")
            else:
                res = only_city_alias(mentions) or res
    return res, level


def _demote_file_title(meta: ReportMeta) -> ReportMeta:
    """Values read from a file name are the downloader's words, not the page's: mark them inferred."""
    changes = {f: MetaField(getattr(meta, f).value, "inferred", f"file name: {getattr(meta, f).evidence}")
               for f in META_FIELDS if getattr(meta, f).source == "title"}
    return dataclasses.replace(meta, **changes)


def _gov_context(scan: str) -> bool:
    return bool(re.search(r"我[省市县区州旗盟]|县委、?县政府|区委、?区政府|省委、?省政府|自治区人民政府", scan))


def _is_bare_level(name: str) -> bool:
    """区司法局 / 县委、县政府 / 我县: the name carries a level but no place of its own."""
    return not _starts_with_place(name) or name.startswith("我")


def _starts_with_place(name: str) -> bool:
    """False for names that open with a bare level character (市司法局, 自治区人民政府) and need a prefix."""
    return not re.match(r"^(?:中共)?(?:自治区|[省市区县州旗盟])", name)


def _strip_place(name: str, gaz: Gazetteer) -> str:
    """A department name without its place prefix (城中区应急管理局 -> 应急管理局, 区司法局 -> 司法局)."""
    end = 0
    for m in gaz.find(name):
        if m.start == end and m.kind == "full":
            end = m.end
    rest = name[end:]
    return re.sub(r"^(自治区|[省市区县州旗盟])(?=.)", "", rest) if end == 0 else rest


def _decide_level(text: str, scan: str, title: Optional[str], name_src: Optional[str], subject: Optional[str],
                  code: Optional[str], gaz: Gazetteer) -> Optional[tuple[str, str, str]]:
    """(level, source, evidence): the agency's name, then the opening subject, addressee, own-area phrases."""
    if name_src:
        lvl = name_level(name_src, gaz)
        if lvl:
            return lvl, "title" if name_src in (title or "") else "body", name_src
    lvl = subject_level(subject or "", gaz)
    if lvl:
        return lvl, "body", f"opening subject: {subject}"
    addr = addressee(text)
    lvl = addressee_level(addr, code == "government")
    if lvl:
        return lvl, "inferred", f"addressed to {addr}"
    sig = level_signals(scan)
    lvl = lowest_level(sig)
    if lvl:
        return lvl, "inferred", "own-area phrases " + ", ".join(f"{k}:{v}" for k, v in sig.items() if v)
    return None


def _place_fields(res: Resolved, level: Optional[str], mentions: list[Mention], title: Optional[str],
                  t_name: Optional[str]) -> dict[str, MetaField]:
    named = {m.surface for m in mentions} | {p.name for m in mentions if len(m.places) == 1 for p in m.places}

    def field(value: Optional[str], why: str) -> MetaField:
        if not value:
            return MetaField()
        if t_name and value in t_name:
            return MetaField(value, "title", title)
        if value in named:
            return MetaField(value, "body", why)
        return MetaField(value, "inferred", f"gazetteer: {why}")

    p = res.place
    if p is None:
        out = {"province": MetaField(), "city": MetaField(), "county": MetaField()}
        if res.ambiguous_name and level == "county":
            out["county"] = MetaField(res.ambiguous_name, "body", "ambiguous name; city not settled by the text")
        prov = _province_fallback(mentions) if level else None
        if prov:
            out["province"] = MetaField(prov.name, "inferred", "most-mentioned province; own place unknown")
        return out
    why = res.evidence
    return {
        "province": field(p.province, f"{res.surface} -> {p.province}"),
        "city": field(p.city, f"{res.surface} -> {p.city}"),
        "county": field(res.surface if p.level == "county" else None, why),
    }


def _build_agency(code: str, level: Optional[str], res: Resolved, body: Optional[str], text: str) -> MetaField:
    """Place prefix + the name the text gives (or the canonical name for the type and level)."""
    prefix = region_prefix(res.place, res.surface, text) if res.place else res.ambiguous_name
    if not prefix:
        return MetaField()
    # The four municipalities' own departments are named like a city's (重庆市司法局, not 司法厅).
    municipality = res.place is not None and res.place.level == "provincial" and res.place.city == res.place.name
    suffix = body or canonical_name(code, "municipal" if municipality else level)
    if code == "government" and res.place is not None and is_zone(res.place):
        suffix = "管理委员会"  # functional zones are run by an administrative committee, not a people's government
    if not suffix:
        return MetaField()
    stem = re.sub(r"[区县市旗]$", "", res.surface or "")
    if res.place is not None and res.place.city and suffix.endswith("分局") and len(stem) >= 2 \
            and stem + "分局" in suffix:
        prefix = res.place.city  # 天津市规划和自然资源局和平分局: the city's bureau names its district branch
    if suffix[:1] == prefix[-1:] and re.match(r"^[县区市旗](?!场|域|级|政|容)", suffix) and classify_name(suffix[1:]):
        suffix = suffix[1:]  # 元谋县 + 县卫生健康局 (the short form's level): one 县, but 市 + 市场监督管理局 stays
    name = prefix + suffix
    if name in text:
        return MetaField(name, "body", name)
    how = "name as written" if body else f"canonical {code} name at {level} level"
    return MetaField(name, "inferred", f"{prefix} + {suffix} ({how})")


def _official(agency: MetaField, res: Resolved, text: str) -> MetaField:
    """The agency as officially written: the government of a joint report, short forms written out, and a
    district's name behind its city (通州区人民政府 -> 北京市通州区人民政府), as region_prefix builds names."""
    name = agency.value
    if not name:
        return agency
    new = official_name(name)
    surface = res.surface
    place = res.place
    if place is not None and place.level == "municipal" and surface and surface.endswith("州") \
            and place.name != surface and new.startswith(surface):
        new = place.name + new[len(surface):]  # 黔西南州人民政府 -> 黔西南布依族苗族自治州人民政府
    if place is not None and surface and new.startswith(surface):
        prefix = region_prefix(place, surface, text)
        if prefix and prefix != surface and prefix.endswith(surface):
            new = prefix[: -len(surface)] + new
    if new == name:
        return agency
    return MetaField(new, agency.source, f"{agency.evidence} (officially {new})")


def apply_manifest(meta: ReportMeta, row: dict[str, str]) -> ReportMeta:
    """Override fields with every non-empty manifest value (source 'manifest')."""
    changes = {}
    for name in META_FIELDS:
        raw = (row or {}).get(name)
        value = raw.strip() if isinstance(raw, str) else raw
        if value in (None, ""):
            continue
        if name == "year":
            try:
                value = int(float(value))
            except (TypeError, ValueError):
                continue  # a malformed year is ignored rather than stored as text
        changes[name] = MetaField(value, "manifest", f"manifest.csv {name}")
    return dataclasses.replace(meta, **changes) if changes else meta
