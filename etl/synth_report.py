"""One synthetic report as lines (title, date stamp, page chrome, the four parts) plus its ground truth."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Optional

from etl.synth_body import Block, BodyWriter
from etl.synth_fill import World, fill
from etl.synth_places import Entity

YEARS = tuple(range(2015, 2026))
YEAR_WEIGHTS = (3, 4, 5, 6, 8, 10, 11, 12, 12, 12, 8)  # more reports once publication became mandatory


@dataclass(frozen=True)
class Draft:
    """The lines of one report and what is true about it."""

    entity: Entity
    year: int
    published: Optional[dt.date]  # the date of the page's date stamp; None when the page shows none
    blocks: tuple[Block, ...]
    sections: dict
    facts: tuple[dict, ...]


def _context(rng: random.Random, e: Entity, year: int, ph: dict) -> dict:
    era = next(x["text"] for x in ph["eras"] if x["from"] <= year <= x["to"])
    ctx = {
        "year": str(year), "prev": str(year - 1), "next": str(year + 1), "area": e.area, "self": e.self_word,
        "lead": e.lead, "upper": e.upper, "place": e.place, "agency": e.agency, "subject": e.subject, "era": era,
        "selfgov": e.selfgov, "levelword": e.levelword, "abbr": e.abbr,
        "upper_lead": f"{e.upper_levelword}委、{e.upper_levelword}政府", "upper_place": e.upper_place,
        "yearnote": rng.choice(ph["year_notes"]), "editor": rng.choice(ph["editors"]),
    }
    ctx["doc"] = rng.choice(ph["documents"])
    ctx["docabbr"] = rng.choice(ph["doc_abbrs"])
    return ctx


def _published(rng: random.Random, year: int) -> dt.date:
    """Mostly January–March of the next year (the legal deadline), some later (late reports)."""
    start = dt.date(year + 1, 1, 5)
    days = rng.randint(0, 84) if rng.random() < 0.82 else rng.randint(90, 300)
    return start + dt.timedelta(days=days)


def _stamp(rng: random.Random, d: dt.date, ph: dict, ctx: dict) -> str:
    t = rng.choice(ph["date_stamps"])
    when = {"Y": str(d.year), "m": f"{d.month:02d}", "d": f"{d.day:02d}", "mm": str(d.month), "dd": str(d.day),
            "H": f"{rng.randint(8, 18):02d}", "M": f"{rng.randint(0, 59):02d}", "S": f"{rng.randint(0, 59):02d}",
            "views": str(rng.randint(20, 9000)), "source": fill(rng, rng.choice(ph["sources"]), ctx)}
    return fill(rng, t, {**ctx, **when})


def _title(rng: random.Random, e: Entity, year: int, ph: dict, ctx: dict) -> list[str]:
    legacy = year <= 2015 or (year <= 2017 and rng.random() < 0.3)
    pattern = rng.choice(ph["titles"]["legacy" if legacy else "standard"])
    # A backslash-n in a pattern (kept literal by YAML's single quotes) splits the title over two lines.
    return fill(rng, pattern, {**ctx, "agency": e.title_agency}).split("\\n")


def compose(rng: random.Random, e: Entity, year: int, fmt: str, ph: dict, units: dict) -> Draft:
    """Write one report of entity e for the year; fmt decides how much page furniture it carries."""
    ctx = _context(rng, e, year, ph)
    web = fmt == "html" or (fmt == "txt" and rng.random() < 0.35)
    blocks: list[Block] = []
    if web and rng.random() < 0.8:
        blocks.append(Block("chrome", fill(rng, rng.choice(ph["chrome_top"]), ctx)))
    has_title = rng.random() < (0.97 if web else 0.85)
    if has_title:
        blocks.extend(Block("title", t) for t in _title(rng, e, year, ph, ctx))
    published = _published(rng, year) if rng.random() < (0.92 if web else 0.35) else None
    if published:
        blocks.append(Block("stamp", _stamp(rng, published, ph, ctx)))
    if web and rng.random() < 0.6:
        blocks.append(Block("chrome", rng.choice(ph["chrome_widgets"])))
    if rng.random() < 0.15:
        key = "department" if e.agency_type != "government" else e.level
        blocks.append(Block("addressee", fill(rng, rng.choice(ph["addressees"][key]), ctx)))
    if not has_title and rng.random() < 0.5:
        ctx["self"] = ctx["subject"] = e.agency  # an untitled report often names itself in the first line
    blocks.append(Block("p", fill(rng, rng.choice(ph["openings"]), ctx)))

    world = World(rng, e.level, year, ph["indicators"])
    writer = BodyWriter(rng, ph, ctx, world, units)
    allowed = ph["agency_indicators"].get(e.agency_type, ph["agency_indicators"]["default"])
    n_facts = rng.randint(5, 16) if e.agency_type in ("government", "justice") else rng.randint(2, 10)
    topical = rng.random() < 0.25
    body, h1 = writer.achievements(allowed, n_facts, topical, 0)
    blocks.extend(body)
    early = year < 2019  # the first-responsible part became mandatory with the 2019 督察工作规定
    has_problems = rng.random() > 0.06
    has_first = rng.random() > (0.6 if early else 0.06)
    has_plan = rng.random() > 0.04
    merged = has_problems and has_plan and rng.random() < 0.08
    if has_problems and not merged:
        blocks.extend(writer.problems(h1))
        h1 += 1
    if has_first:
        blocks.extend(writer.first_responsible(h1))
        h1 += 1
    if has_plan:
        blocks.extend(writer.plan(h1, merged))
    if rng.random() < 0.1:
        blocks.append(Block("p", fill(rng, rng.choice(ph["contacts"]), ctx)))
    if published and rng.random() < 0.35:
        signed = published - dt.timedelta(days=rng.randint(0, 20))
        blocks.append(Block("sign", e.agency.split("、")[-1]))
        blocks.append(Block("sign", f"{signed.year}年{signed.month}月{signed.day}日"))
    if web:
        bottom = rng.sample(ph["chrome_bottom"], rng.randint(0, 3))
        blocks.extend(Block("chrome", fill(rng, b, ctx)) for b in bottom)
        if rng.random() < 0.3:
            blocks.extend(Block("chrome", w) for w in ph["nav_words"])
    sections = {"achievements": True, "problems": has_problems, "first_responsible": has_first,
                "next_year_plan": has_plan}
    return Draft(e, year, published, tuple(blocks), sections, tuple(writer.facts))


def pick_year(rng: random.Random) -> int:
    return rng.choices(YEARS, weights=YEAR_WEIGHTS)[0]
