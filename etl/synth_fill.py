"""Fill the synthetic corpus templates: context words, random distractor numbers and indicator placeholders."""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from etl.synth_numbers import draw_count, format_count, format_rate

_PLACEHOLDER = re.compile(r"\{([^{}|]+)\}")
_INDICATOR = re.compile(r"\{(\w+)(?:#(\d))?\|([^{}]*)\}")


@dataclass
class World:
    """The true values of one report, drawn on first use so related indicators stay consistent."""

    rng: random.Random
    level: str
    year: int
    spec: dict  # the `indicators` section of synth_phrases.yaml
    values: dict = field(default_factory=dict)
    stated: set = field(default_factory=set)  # (code, k) already written: a second mention gets a new value

    def value(self, code: str, k: int = 1) -> float:
        key = (code, k)
        if key not in self.values:
            self.values[key] = self._draw(code, k)
        return self.values[key]

    def _draw(self, code: str, k: int) -> float:
        rng = self.rng
        if code == "mediation_success":
            return round(self.value("mediation_cases", k) * rng.uniform(0.9, 1.0))
        if code == "mediation_success_rate":
            return 100 * self.value("mediation_success", k) / self.value("mediation_cases", k)
        if code == "admin_review_corrected":
            return max(1, round(self.value("admin_review_cases", k) * rng.uniform(0.03, 0.3)))
        if code == "admin_review_correction_rate":
            return 100 * self.value("admin_review_corrected", k) / self.value("admin_review_cases", k)
        lo, hi = self.spec[code]["range"]
        if self.spec[code]["unit"] == "%":
            if rng.random() < 0.25:
                return 100.0
            # Later years report higher online-service and court-appearance rates.
            floor = lo + (hi - lo) * 0.6 * (self.year - 2015) / 10
            return rng.uniform(floor, hi)
        return draw_count(rng, lo, hi, self.level)


def fill(rng: random.Random, template: str, ctx: dict) -> str:
    """Replace {name} from ctx, {r:LO:HI} / {f:LO:HI} with random numbers, {m} {d} with a random date."""

    def sub(m: re.Match) -> str:
        key = m.group(1)
        if key in ctx:
            value = ctx[key]
            return fill(rng, value, ctx) if "{" in value else value
        kind, _, rest = key.partition(":")
        if kind == "r":
            lo, hi = rest.split(":")
            return str(rng.randint(int(lo), int(hi)))
        if kind == "f":
            lo, hi = rest.split(":")
            return f"{rng.uniform(float(lo), float(hi)):.1f}"
        if key == "m":
            return str(rng.randint(1, 12))
        if key == "d":
            return str(rng.randint(1, 28))
        raise KeyError(f"unknown placeholder {{{key}}} in synth template: {template}")

    return _PLACEHOLDER.sub(sub, template)


def fill_indicators(rng: random.Random, template: str, own: str, world: World, units: dict) -> tuple[str, list]:
    """Write the indicator placeholders of one phrasing. Returns the clause and its facts (evidence added later)."""
    facts: list[dict] = []
    parts: list[str] = []
    pos = 0
    for m in _INDICATOR.finditer(template):
        code = own if m.group(1) == "q" else m.group(1)
        k = int(m.group(2) or 1)
        while (code, k) in world.stated:
            k += 1
        world.stated.add((code, k))
        surface_units = m.group(3).split("|")
        v = world.value(code, k)
        if units[code] == "%":
            text, stated, approx = format_rate(rng, v)
            stated_value: float = stated
        else:
            text, stated_i, approx = format_count(rng, int(v), rng.choice(surface_units))
            stated_value = stated_i
        parts.append(template[pos:m.start()])
        parts.append(text)
        pos = m.end()
        facts.append({"indicator": code, "value": stated_value, "unit": units[code], "approx": approx})
    parts.append(template[pos:])
    return "".join(parts), facts
