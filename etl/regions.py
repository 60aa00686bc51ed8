"""Administrative-division gazetteer built from jionlp's china_location data plus a small supplement."""
from __future__ import annotations

import csv
import functools
import importlib.util
import re
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

LEVELS = ("provincial", "municipal", "county")
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# Short forms: full names ending in these keep the alias plus the last character (红河州, 金平县).
_SHORTENABLE = ("自治州", "自治县", "自治旗", "地区")
_SUPPLEMENT = Path(__file__).parent / "catalog" / "region_supplement.csv"
_DIRECT = "省直辖行政区划"  # jionlp's pseudo-city for county-level units run by the province
# Official names that are also everyday words; they count only right after their city's name.
_GENERIC = frozenset({"城区", "郊区", "矿区", "东区", "西区", "南区", "北区"})
_ROW = re.compile(r"^(\t{0,2})([^\t\n]+)\t(\d{6})\t([^\t\n]+)$", re.M)  # province/city/county rows


@dataclass(frozen=True)
class Place:
    """One division: its own name, level and parents (municipalities are their own city)."""

    name: str
    level: str  # one of LEVELS
    province: str
    city: Optional[str]  # None for provinces and province-run county-level cities
    alias: str = ""
    code: str = ""

    @property
    def county(self) -> Optional[str]:
        return self.name if self.level == "county" else None

    def chain(self) -> tuple[str, ...]:
        """Names from the province down, without repeats (重庆市 is province and city)."""
        out: list[str] = []
        for n in (self.province, self.city, self.county):
            if n and n not in out:
                out.append(n)
        return tuple(out)


@dataclass(frozen=True)
class Mention:
    """A place name found in a text; `places` has more than one entry when the name is ambiguous."""

    start: int
    end: int
    surface: str
    places: tuple[Place, ...]
    kind: str  # 'full' (official name or standard short form) or 'alias' (bare name like 福建)


def location_file() -> Path:
    """Where jionlp keeps its division file (found without importing jionlp, which is slow)."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.origin:
        raise RuntimeError("jionlp is not installed; it ships the division data the gazetteer needs")
    return Path(spec.origin).parent / "dictionary" / "china_location.txt"


def read_location_text(path: Path) -> str:
    """The file's text; jionlp wheels ship china_location.txt zipped and unzip it on first use, so read the zip."""
    if path.exists():
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    archive = path.with_suffix(".zip")
    if not archive.exists():
        raise RuntimeError(f"division data not found: neither {path} nor {archive} exists")
    with zipfile.ZipFile(archive) as zf:
        return zf.read(path.name).decode("utf-8").replace("\r\n", "\n")  # the zipped copy has CRLF lines


def _read_divisions(path: Path) -> list[Place]:
    """Parse the province/city/county rows (0-2 leading tabs); towns and villages are skipped."""
    places: list[Place] = []
    prov = city = None
    # One regex pass over the 12 MB file is ~5x faster than a Python loop over its 700k lines.
    for tabs, name, code, alias in _ROW.findall(read_location_text(path)):
        depth = len(tabs)
        alias = alias.split("/")[0]
        if depth == 0:
            prov, city = name, None
            places.append(Place(name, "provincial", name, name if name in MUNICIPALITIES else None, alias, code))
        elif depth == 1:
            city = name
            if name == _DIRECT or name in MUNICIPALITIES:
                continue  # the municipality itself is already listed as a province
            places.append(Place(name, "municipal", prov, name, alias, code))
        elif not name.endswith("直辖行政区划"):  # 市直辖行政区划: a placeholder row under 东莞市/儋州市
            parent = None if city == _DIRECT else city
            places.append(Place(name, "county", prov, parent, alias, code))
    return places


def _read_renamed(path: Path, places: list[Place]) -> dict[str, str]:
    """Old name -> current admin code, from jionlp's change table (e.g. 襄樊市 -> 襄阳市)."""
    if not path.exists():
        return {}
    code_of = {(p.province, p.city, p.name): p.code for p in places if p.level == "county"}
    code_of.update({(p.province, None, p.name): p.code for p in places if p.level != "county"})
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=>" not in line:
            continue
        left, right = line.split("=>", 1)
        old = left.split("\t")[2:]
        new = right.split("\t")
        old_name = old[-2] if len(old) >= 6 else (old[-2] if len(old) >= 4 else "")
        key = (new[0], new[1], new[2]) if len(new) >= 3 else (new[0], None, new[-1])
        # two-character former counties (横县, now 横州市) count too; other short names are too loose
        if (len(old_name) >= 3 or (len(old_name) == 2 and old_name.endswith("县"))) and key in code_of:
            out[old_name] = code_of[key]
    return out


def _read_supplement(path: Path) -> list[Place]:
    """Functional zones (合作区, 新区, 开发区) that are missing from the official division data."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    # level 'alias' rows only add spellings (forms) for a unit the official data already has
    return [Place(r["name"], r["level"], r["province"], r["city"] or None, r.get("alias") or "", "supplement")
            for r in rows if r.get("name") and r.get("level") in LEVELS]


def _read_supplement_forms(path: Path) -> dict[str, str]:
    """Extra spellings of zones (东湖高新区 -> 武汉东湖新技术开发区, 成都高新区 -> 成都高新技术产业开发区)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {form: r["name"] for r in csv.DictReader(f) for form in (r.get("forms") or "").split("|") if form}


# What a bare zone word stands for in a zone's official name.
_ZONE_WORDS = {"高新区": ("高新技术产业开发区", "高新技术产业园区", "高新区"),
               "经开区": ("经济技术开发区", "经济开发区"), "经济开发区": ("经济技术开发区", "经济开发区"),
               "开发区": ("开发区",), "新区": ("新区",)}


def is_zone(p: Place) -> bool:
    """A functional zone: from the supplement, or a division code numbered 71-99 (how the national code list
    numbers development zones and new areas, e.g. 620171 兰州新区)."""
    return p.code == "supplement" or (p.code.isdigit() and len(p.code) == 6 and p.code[-2:] >= "71")


class Gazetteer:
    """Name index over the divisions; build it with Gazetteer.load()."""

    def __init__(self, places: Iterable[Place], renamed: Optional[dict[str, str]] = None,
                 forms: Optional[dict[str, str]] = None):
        self.places = tuple(places)
        self._full: dict[str, list[Place]] = {}
        self._alias: dict[str, list[Place]] = {}
        self._stem: dict[str, list[Place]] = {}
        for p in self.places:
            self._add(self._full, p.name, p)
            if p.name.endswith(_SHORTENABLE) and p.alias and len(p.alias) >= 2:
                self._add(self._full, p.alias + p.name[-1], p)
            if p.alias and len(p.alias) >= 2 and p.alias != p.name and p.level != "county":
                self._add(self._alias, p.alias, p)
            plain = p.name == p.alias + p.name[-1:] and p.name[-1] in "县区市旗"
            if p.level == "county" and len(p.alias) >= 2 and plain:
                self._add(self._stem, p.alias, p)  # only plain stems (铜梁 of 铜梁区), never 高新区 or 新区
        # Former names (临安市 before it became 临安区) still appear in older reports.
        by_code = {p.code: p for p in self.places}
        for old, code in (renamed or {}).items():
            if old not in self._full and code in by_code:
                self._full[old] = [by_code[code]]
        for form, name in (forms or {}).items():
            if form in self._full:
                continue  # the official data already knows this name (天府新区 under 成都市)
            for p in [p for p in self.places if p.name == name][:1]:  # official first, then supplement
                self._add(self._full, form, p)
        # Lengths of known names by their first two characters, longest first, so find() tries few slices.
        lens: dict[str, set[int]] = {}
        for k in list(self._full) + list(self._alias):
            lens.setdefault(k[:2], set()).add(len(k))
        self._lens = {k: sorted(v, reverse=True) for k, v in lens.items()}
        # Where a name may start: its first characters, from one class each. A character class is one
        # table lookup in C, so the scan skips most text without a Python step per character; names of
        # three or more characters get a third class, which leaves far fewer false starts. One-character
        # names (none in the shipped data) would slip past it and keep the plain loop.
        keys = set(self._full) | set(self._alias)
        self._starts = None
        if keys and min(map(len, keys)) >= 2:
            short, long = [k for k in keys if len(k) == 2], [k for k in keys if len(k) >= 3]
            branches = ["".join(_char_class(k[n] for k in group) for n in range(width))
                        for group, width in ((long, 3), (short, 2)) if group]
            self._starts = re.compile("|".join(branches))

    @staticmethod
    def _add(index: dict[str, list[Place]], key: str, p: Place) -> None:
        lst = index.setdefault(key, [])
        if p not in lst:
            lst.append(p)

    @classmethod
    def load(cls) -> Gazetteer:
        """The shared instance (parsed once per process)."""
        return _load_default()

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Places with this official name or standard short form (红河州, 金平县); empty if none."""
        return tuple(self._full.get(name, ()))

    def lookup_alias(self, alias: str) -> tuple[Place, ...]:
        """Provinces and cities known by a bare name (福建, 深圳)."""
        return tuple(self._alias.get(alias, ()))

    def lookup_stem(self, stem: str) -> tuple[Place, ...]:
        """County-level units whose name without its suffix is `stem` (铜梁 -> 铜梁区)."""
        return tuple(self._stem.get(stem, ()))

    def zone_in(self, city: str, kind: str) -> Optional[Place]:
        """The one functional zone of this kind (高新区 / 经开区 / 开发区 / 新区) hosted by `city`, or None."""
        words = _ZONE_WORDS.get(kind, (kind,))
        found = {p.name: p for p in self.places if p.city == city and p.level == "county" and is_zone(p)
                 and any(w in p.name for w in words)}
        return next(iter(found.values())) if len(found) == 1 else None

    def find(self, text: str) -> list[Mention]:
        """Leftmost-longest scan for names; a name inside a longer one is not reported."""
        if self._starts is None:
            return self._find_loop(text)
        out: list[Mention] = []
        search, lens = self._starts.search, self._lens
        m = search(text)
        while m is not None:
            i = m.start()
            # most candidate places start no name at all: reject those without a method call
            hit = self._hit_at(text, i, out) if text[i:i + 2] in lens else None
            m = search(text, i + 1 if hit is None else hit.end)
        return out

    def _find_loop(self, text: str) -> list[Mention]:
        """find() one character at a time."""
        out: list[Mention] = []
        i, n = 0, len(text)
        while i < n:
            hit = self._hit_at(text, i, out)
            i = i + 1 if hit is None else hit.end
        return out

    def _hit_at(self, text: str, i: int, out: list[Mention]) -> Optional[Mention]:
        """The longest name starting at i, appended to out; None when there is none or it is not standalone."""
        hit = None
        n = len(text)
        for length in self._lens.get(text[i:i + 2], ()):
            if i + length > n:
                continue
            s = text[i:i + length]
            if s in self._full:
                hit = Mention(i, i + length, s, tuple(self._full[s]), "full")
                break
            if s in self._alias:
                hit = Mention(i, i + length, s, tuple(self._alias[s]), "alias")
                break
        if hit is not None and len(hit.surface) == 2 and hit.kind == "full" and not self._standalone(text, i, out):
            hit = None  # 和县 in 市委和县委, 代县 in 现代县域: two-character names need a clean boundary
        if hit is not None:
            out.append(hit)
        return hit

    @staticmethod
    def _standalone(text: str, i: int, found: list[Mention]) -> bool:
        """A two-character name counts after a place name (菏泽市曹县) or a non-Chinese character only."""
        if found and found[-1].end == i:
            return True
        if text[i:i + 2] in _GENERIC:
            return False
        return i == 0 or not ("\u4e00" <= text[i - 1] <= "\u9fff")

    def resolve(self, name: str, context: str = "", mentions: Optional[list[Mention]] = None) -> Optional[Place]:
        """The one place called `name`, using the context to settle ambiguous names; None if unsettled."""
        cands = self.lookup(name) or self.lookup_alias(name)
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        return self.disambiguate(cands, mentions if mentions is not None else self.find(context))

    @staticmethod
    def disambiguate(cands: Iterable[Place], mentions: list[Mention]) -> Optional[Place]:
        """Pick the candidate whose parent (city, then province) is named in the text; None on a tie."""
        cands = list(cands)
        if len({(c.province, c.city, c.name) for c in cands}) == 1:
            return next((c for c in cands if c.code != "supplement"), cands[0])  # same unit listed twice
        named: Counter[str] = Counter()
        for m in mentions:
            if len(m.places) == 1:
                named[m.places[0].name] += 1
        for attr in ("city", "province"):
            scored = [(named[getattr(c, attr)] if getattr(c, attr) else 0, c) for c in cands]
            best = max(s for s, _ in scored)
            winners = [c for s, c in scored if s == best]
            if best > 0 and len(winners) == 1:
                return winners[0]
        return None


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(set(chars))) + "]"


@functools.lru_cache(maxsize=2)
def _load_default(path: Optional[str] = None) -> Gazetteer:
    src = Path(path) if path else location_file()
    places = _read_divisions(src)
    renamed = _read_renamed(src.with_name("china_location_change.txt"), places)
    return Gazetteer(places + _read_supplement(_SUPPLEMENT), renamed, _read_supplement_forms(_SUPPLEMENT))
