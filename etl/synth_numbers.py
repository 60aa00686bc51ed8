"""Write a quantity the many ways reports do (1610件, 6,200余人次, 1.2万份, 近300场次, 十二次, 98.3%, 98%以上).

Every writer returns (text, stated value, approx): the value is what the text says, not what was drawn, so the
ground truth matches the words (1,234 written as 1200余 is 1200, approx).
"""
from __future__ import annotations

import math
import random

_CN = "零一二三四五六七八九"
_FULLWIDTH = str.maketrans("0123456789%", "０１２３４５６７８９％")


def chinese_numeral(v: int) -> str:
    """1 → 一, 12 → 十二, 35 → 三十五, 300 → 三百, 2 → 两 is left to the caller."""
    if v < 10:
        return _CN[v]
    if v < 20:
        return "十" + (_CN[v % 10] if v % 10 else "")
    if v < 100:
        return _CN[v // 10] + "十" + (_CN[v % 10] if v % 10 else "")
    if v < 1000 and v % 100 == 0:
        return _CN[v // 100] + "百"
    raise ValueError(v)


def _round_sig(v: int, digits: int, mode: str) -> int:
    """Round to `digits` significant figures, down, up or to nearest."""
    if v < 10 ** digits:
        return v
    step = 10 ** (int(math.log10(v)) + 1 - digits)
    f = {"down": math.floor, "up": math.ceil}.get(mode, round)
    return int(f(v / step) * step)


def _trim(w: float, decimals: int) -> str:
    """1.20 → '1.2', 3.0 → '3': reports do not write trailing zeros before 万."""
    text = f"{w:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_count(rng: random.Random, v: int, unit: str) -> tuple[str, int, bool]:
    """A count with its unit as a report would write it."""
    styles = ["plain"] * 50 + ["infix"] * 14 + ["prefix"] * 5 + ["spaced"] * 2 + ["fullwidth"] * 2
    if v >= 1000:
        styles += ["comma"] * 8
    if v >= 10000:
        styles += ["wan"] * 14 + ["wan_approx"] * 5
    # A lone 一 reads as the article 'a' (受理申请一件 is ambiguous), so 1 stays in digits.
    if 2 <= v <= 20 or (v < 100 and v % 10 == 0) or (v < 1000 and v % 100 == 0):
        styles += ["chinese"] * 6
    style = rng.choice(styles)
    if style == "comma":
        return f"{v:,}{unit}", v, False
    if style == "infix" and v >= 20:
        w = _round_sig(v, 1 if v < 100 else rng.choice([1, 2, 2]), "down")  # 20余件, 1200余人次
        return f"{w}{rng.choice('余余多')}{unit}", w, True
    if style == "prefix" and v >= 20:
        word = rng.choice(["近", "约", "近"])
        w = _round_sig(v, 1 if v < 100 else 2, "up" if word == "近" else "nearest")  # 近30份, 约1200人次
        return f"{word}{w}{unit}", w, True
    if style in ("wan", "wan_approx"):
        decimals = rng.choice([1, 2]) if v < 100000 else rng.choice([0, 1])
        if style == "wan_approx":
            w = math.floor(v / 10 ** (4 - decimals)) / 10 ** decimals
            return f"{_trim(w, decimals)}万{rng.choice('余多')}{unit}", round(w * 10000), True
        w = round(v / 10000, decimals)
        return f"{_trim(w, decimals)}万{unit}", round(w * 10000), False
    if style == "chinese":
        word = "两" if v == 2 and unit not in ("个", "人", "项") else chinese_numeral(v)
        return f"{word}{unit}", v, False
    if style == "spaced":
        return f" {v} {unit}", v, False
    if style == "fullwidth":
        return f"{v}".translate(_FULLWIDTH) + unit, v, False
    return f"{v}{unit}", v, False


def format_rate(rng: random.Random, v: float) -> tuple[str, float, bool]:
    """A percentage: 98.3%, 100%, 98%以上, 百分之九十五, ９６．５％ (full width)."""
    decimals = rng.choice([0, 1, 1, 2])
    w = round(v, decimals)
    if w >= 100:
        return "100%", 100.0, False
    style = rng.choices(["plain", "above", "chinese", "fullwidth"], weights=[78, 14, 3, 5])[0]
    if style == "above":
        w = math.floor(v)
        return f"{w}%以上", float(w), True
    if style == "chinese" and 10 <= v < 100:
        w = math.floor(v)
        return f"百分之{chinese_numeral(w)}", float(w), False
    text = f"{w:.{decimals}f}%"
    if style == "fullwidth":
        text = text.translate(_FULLWIDTH)
    return text, float(w), False


def draw_count(rng: random.Random, lo: float, hi: float, level: str) -> int:
    """Log-uniform within the range, shifted up the scale for municipal and provincial reports."""
    shift = {"county": 0.0, "municipal": 0.2, "provincial": 0.4}[level]
    u = shift + rng.random() * 0.6
    return max(int(lo), int(round(lo * (hi / lo) ** u)))
