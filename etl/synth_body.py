"""The body of a synthetic report: the four parts, their headings, prose, indicator sentences and distractors."""
from __future__ import annotations

import random
from dataclasses import dataclass

from etl.synth_fill import World, fill, fill_indicators
from etl.synth_numbers import chinese_numeral


@dataclass(frozen=True)
class Block:
    """One line of the report: kind is chrome, title, stamp, addressee, h1, h2, p or sign."""

    kind: str
    text: str


def _h1(n: int, text: str) -> Block:
    return Block("h1", f"{chinese_numeral(n + 1)}、{text}")


def _h2_marker(rng_style: str, n: int) -> str:
    return f"({chinese_numeral(n + 1)})" if rng_style == "ascii" else f"（{chinese_numeral(n + 1)}）"


class BodyWriter:
    """Writes the parts of one report; collects the facts it states for the report year."""

    def __init__(self, rng: random.Random, ph: dict, ctx: dict, world: World, units: dict):
        self.rng, self.ph, self.ctx, self.world, self.units = rng, ph, ctx, world, units
        self.facts: list[dict] = []
        self.h2_style = rng.choice(["ascii", "full", "full"])
        # Each distractor at most once a report (two different 'last year' figures for one thing read oddly).
        self.distractors = rng.sample(ph["distractors"], len(ph["distractors"]))

    def fill(self, template: str) -> str:
        return fill(self.rng, template, self.ctx)

    # ---------------------------------------------------------------- indicator sentences
    def fact_sentence(self, template: str, own: str) -> str:
        """One sentence stating indicator values; records the facts with their evidence clause."""
        rng = self.rng
        template = self.fill(template)
        if template.startswith("^"):
            template, leads = template[1:], self.ph["stock_leads"]
        elif template.startswith("{"):
            leads = ["", "{year}年，", "截至{year}年底，"]
        elif template.endswith("%}"):  # a rate reads badly after 共 (全年共…率为)
            leads = ["", "{year}年，", "全年", "一年来，"]
        else:
            leads = self.ph["leads"]
        lead = self.fill(rng.choice(leads))
        clause, facts = fill_indicators(rng, template, own, self.world, self.units)
        evidence = lead.rsplit("，", 1)[-1] + clause  # the clause, with the lead's words after its last comma
        for f in facts:
            self.facts.append({**f, "evidence": evidence.strip()})
        tail = ""
        if rng.random() < 0.2:
            pool = self.ph["tails_rate"] if facts[-1]["unit"] == "%" else self.ph["tails_count"]
            tail = self.fill(rng.choice(pool))
        return f"{lead}{clause}{tail}"

    def choose_templates(self, allowed: list[str], n: int) -> list[tuple[str, str, str]]:
        """(template, own code, area) for n indicators of the agency; some come as combinations."""
        rng, spec = self.rng, self.ph["indicators"]
        chosen = rng.sample(allowed, min(n, len(allowed)))
        covered: set[str] = set()
        out = []
        for code in chosen:
            if code in covered:
                continue
            # A combination never restates an indicator already written: one report, one value per indicator.
            combos = [c for c in self.ph["combos"] if f"{{{code}|" in c and self._combo_codes(c) <= set(allowed)
                      and not self._combo_codes(c) & covered]
            if combos and rng.random() < 0.4:
                template = rng.choice(combos)
                covered |= self._combo_codes(template)
            else:
                template = rng.choice(spec[code]["phrasings"])
                covered.add(code)
            out.append((template, code, spec[code]["area"]))
        return out

    @staticmethod
    def _combo_codes(template: str) -> set[str]:
        import re

        return set(re.findall(r"\{(\w+)(?:#\d)?\|", template))

    # ---------------------------------------------------------------- achievements
    def topic_blocks(self, area: str, fact_sentences: list[str], heading_marker: str) -> list[Block]:
        """One sub-section: heading, then prose mixing filler, the indicator sentences and a distractor."""
        rng = self.rng
        topic = self.ph["topics"][area]
        pool = topic["sentences"]
        sentences = [self.fill(s) for s in rng.sample(pool, rng.randint(1, min(3, len(pool))))]
        sentences += fact_sentences
        if rng.random() < 0.45 and self.distractors:
            sentences.append(self.fill(self.distractors.pop()))
        rng.shuffle(sentences)
        heading = self.fill(rng.choice(topic["headings"]))
        style = rng.choices(["points", "numbered", "plain"], weights=[45, 20, 35])[0]
        points = list(topic["points"])
        rng.shuffle(points)
        groups = self._split(sentences, rng.randint(1, min(4, len(sentences))))
        blocks = []
        if style == "numbered":
            blocks.append(Block("h2", heading_marker + heading))
            marker = rng.choice(["{}.", "{}、", "({})"])
            for i, group in enumerate(groups):
                phrase = points[i] + "。" if i < len(points) else ""
                blocks.append(Block("p", marker.format(i + 1) + phrase + "。".join(group) + "。"))
            return blocks
        if style == "points":
            text = "".join(
                f"{chinese_numeral(i + 1)}是" + (points[i] + "。" if i < len(points) else "") + "。".join(g) + "。"
                for i, g in enumerate(groups))
            paragraphs = [text]
        else:
            paragraphs = ["。".join(g) + "。" for g in groups[:2]]
            if groups[2:]:
                paragraphs.append("。".join(sum(groups[2:], [])) + "。")
        if rng.random() < 0.3:
            # The heading run into its first paragraph, as in '(一)加强规范性文件管理，提高执法规范化水平。一是…'.
            blocks.append(Block("h2", heading_marker + heading + "。" + paragraphs[0]))
            paragraphs = paragraphs[1:]
        else:
            blocks.append(Block("h2", heading_marker + heading))
        blocks.extend(Block("p", p) for p in paragraphs)
        return blocks

    def _split(self, items: list[str], k: int) -> list[list[str]]:
        cuts = sorted(self.rng.sample(range(1, len(items)), k - 1)) if k > 1 else []
        bounds = [0, *cuts, len(items)]
        return [items[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]

    def achievements(self, allowed: list[str], n_facts: int, topical: bool, first_h1: int) -> tuple[list[Block], int]:
        """The achievements part. Topical style gives each topic its own top-level heading."""
        rng = self.rng
        by_area: dict[str, list[str]] = {}
        for template, code, area in self.choose_templates(allowed, n_facts):
            by_area.setdefault(area, []).append(self.fact_sentence(template, code))
        extra = [a for a in self.ph["topics"] if a not in by_area]
        areas = list(by_area) + rng.sample(extra, min(len(extra), rng.randint(1, 2)))
        rng.shuffle(areas)
        if "leadership" in areas:  # reports open with the party's leadership when they mention it
            areas.remove("leadership")
            areas.insert(0, "leadership")
        blocks: list[Block] = []
        h1 = first_h1
        if not topical:
            blocks.append(_h1(h1, self.fill(rng.choice(self.ph["part_headings"]["achievements"]))))
            h1 += 1
        for i, area in enumerate(areas):
            sub = self.topic_blocks(area, by_area.get(area, []), "" if topical else _h2_marker(self.h2_style, i))
            if topical:
                sub[0] = _h1(h1, sub[0].text)
                h1 += 1
            blocks.extend(sub)
        return blocks, h1

    # ---------------------------------------------------------------- the other parts
    def problems(self, h1: int, heading: str | None = None) -> list[Block]:
        rng, pr = self.rng, self.ph["problems"]
        items = rng.sample(pr["items"], rng.randint(1, 3))
        blocks = [_h1(h1, heading or self.fill(rng.choice(self.ph["part_headings"]["problems"])))]
        if rng.random() < 0.5:
            blocks.append(Block("p", self.fill(rng.choice(pr["intros"]))))
        if len(items) > 1 and rng.random() < 0.6:
            blocks.extend(Block("p", f"{_h2_marker(self.h2_style, i)}{it}。") for i, it in enumerate(items))
        else:
            blocks.append(Block("p", "；".join(items) + "。"))
        return blocks

    def first_responsible(self, h1: int) -> list[Block]:
        rng = self.rng
        sentences = [self.fill(s) for s in rng.sample(self.ph["first_responsible"], rng.randint(2, 4))]
        if rng.random() < 0.25:
            code = rng.choice(self.ph["first_responsible_facts"])
            template = rng.choice(self.ph["indicators"][code]["phrasings"])
            sentences.append(self.fact_sentence(template, code))
        heading = self.fill(rng.choice(self.ph["part_headings"]["first_responsible"]))
        return [_h1(h1, heading), Block("p", "；".join(sentences) + "。")]

    def plan(self, h1: int, merged: bool) -> list[Block]:
        rng, pl = self.rng, self.ph["plan"]
        blocks: list[Block] = []
        if merged:
            blocks = self.problems(h1, self.fill(rng.choice(self.ph["part_headings"]["merged_problems_plan"])))
            blocks.append(Block("p", self.fill(rng.choice(pl["intros"]))))
        else:
            blocks.append(_h1(h1, self.fill(rng.choice(self.ph["part_headings"]["next_year_plan"]))))
            if rng.random() < 0.7:
                blocks.append(Block("p", self.fill(rng.choice(pl["intros"]))))
        for i, (title, sentence) in enumerate(rng.sample(pl["items"], rng.randint(2, 5))):
            blocks.append(Block("p", f"{_h2_marker(self.h2_style, i)}{title}。{self.fill(sentence)}。"))
        return blocks
