"""Word segmentation with jieba's algorithm: an rjieba instance of our own, loaded with the domain dictionary."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

DICT_DIR = Path(__file__).parent / "catalog" / "dict"
DOMAIN_TERMS = DICT_DIR / "domain_terms.txt"
USER_TERMS = DICT_DIR / "user_terms.txt"
GENERAL_STOPWORDS = DICT_DIR / "stopwords_general.txt"
GENRE_STOPWORDS = DICT_DIR / "stopwords_genre.txt"
DEFAULT_FREQ = 5000  # high enough that a dictionary term beats any split into common words
DEFAULT_TAG = "n"

# What jieba's default mode cuts blocks on: a term with any other character (双随机、一公开) can never come
# out of the segmenter whole, so such terms are matched as exact phrases before segmenting (etl/terms.py).
_BLOCK = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+$")
# The engines disagree on ASCII runs joined by - _ or . (2022-02-07, COVID-19, 1.2.3): jieba-rs keeps them
# whole, jieba splits them with the rule below. We cut such runs ourselves, jieba's way, before either engine
# sees the text, so both give the same tokens. Plain decimals (3.5%, No.1) agree already and are left alone.
# A plain letter/digit run of 100+ characters is one token in both engines, but jieba-rs takes time quadratic
# in its length to say so (16,000 digits: 2.7 s); we emit such runs ourselves too.
_LONG = r"[A-Za-z0-9]{100,}"
_ASCII_RUN = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+%?|" + _LONG)
_LONG_RUN = re.compile(_LONG)
_AGREED = re.compile(r"[A-Za-z0-9]+\.\d+%?")
_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")  # jieba.finalseg.re_skip


@dataclass(frozen=True)
class Entry:
    word: str
    freq: int
    tag: str


def read_dict(paths: Iterable[Path]) -> tuple[Entry, ...]:
    """Entries of jieba-format files (`word [freq] [tag]`); '#' lines are comments; later files win."""
    out: dict[str, Entry] = {}
    for path in paths:
        if not Path(path).exists():
            continue
        for lineno, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) > 3 or (len(parts) > 1 and not parts[1].isdigit()):
                raise ValueError(f"{path}:{lineno}: expected 'word [freq] [tag]', got {line!r}")
            freq = int(parts[1]) if len(parts) > 1 else DEFAULT_FREQ
            out[parts[0]] = Entry(parts[0], freq, parts[2] if len(parts) > 2 else DEFAULT_TAG)
    return tuple(out.values())


def read_words(path: Path) -> frozenset[str]:
    """One word a line, '#' comments skipped (the stopword lists)."""
    if not Path(path).exists():
        return frozenset()
    lines = (x.strip() for x in Path(path).read_text(encoding="utf-8-sig").splitlines())
    return frozenset(x for x in lines if x and not x.startswith("#"))


def load_stopwords(genre: bool = False) -> frozenset[str]:
    """The general stopwords; with genre=True the genre boilerplate list instead."""
    return read_words(GENRE_STOPWORDS if genre else GENERAL_STOPWORDS)


class Tokenizer:
    """rjieba (jieba-rs) with our dictionary. One instance per process: no global state, no cache files."""

    engine_name = "rjieba"

    def __init__(self, entries: tuple[Entry, ...] = ()):
        self.entries = entries
        self._engine = self._new_engine()
        for e in entries:
            if _BLOCK.match(e.word):
                self._engine.add_word(e.word, e.freq, e.tag)
        # Longest first, so that a regex alternation prefers 《…》-free long phrases over their prefixes.
        self.phrases: tuple[str, ...] = tuple(sorted((e.word for e in entries if not _BLOCK.match(e.word)),
                                                     key=lambda w: (-len(w), w)))

    @classmethod
    def load(cls, paths: Iterable[Path] | None = None) -> Tokenizer:
        """The domain dictionary plus the user's words (etl/catalog/dict/)."""
        return cls(read_dict(paths if paths is not None else (DOMAIN_TERMS, USER_TERMS)))

    def _new_engine(self):
        import rjieba

        return rjieba.Jieba()

    def cut(self, text: str) -> list[str]:
        """Tokens of `text` in order, punctuation and spaces included (jieba's default mode, HMM on)."""
        out: list[str] = []
        pos = 0
        for m in _ASCII_RUN.finditer(text):
            if _AGREED.fullmatch(m.group()):
                continue
            if m.start() > pos:
                out += self._engine.cut(text[pos:m.start()], True)
            out += split_run(m.group())
            pos = m.end()
        if pos < len(text):
            out += self._engine.cut(text[pos:] if pos else text, True)
        return out

    def cut_for_counting(self, text: str) -> list[str]:
        """Tokens whose counts equal those of cut(), once the caller splits ASCII runs (see split_run): the
        engine sees the whole text, so no Python-level pass over it is needed."""
        if _LONG_RUN.search(text):
            return self.cut(text)  # jieba-rs is quadratic on long letter/digit runs
        return self._engine.cut(text, True)

    def has_word(self, word: str) -> bool:
        return word in self.phrases or bool(self._engine.has_word(word))



def needs_split(token: str) -> bool:
    """Whether cut() would have split this engine token (an ASCII run joined by - _ or .)."""
    return _ASCII_RUN.fullmatch(token) is not None and not _AGREED.fullmatch(token)


def split_run(token: str) -> list[str]:
    """The tokens cut() gives for an ASCII run that needs_split."""
    return [x for x in _SKIP.split(token) if x]


class JiebaTokenizer(Tokenizer):
    """The same on pure-Python jieba (about 30× slower): the reference for the parity test and the bench."""

    engine_name = "jieba"

    def _new_engine(self):
        import jieba

        tk = jieba.Tokenizer()
        # Build the prefix dictionary directly instead of calling initialize(), which reads and writes a cache
        # file in the shared temp folder.
        with tk.get_dict_file() as fh:
            tk.FREQ, tk.total = tk.gen_pfdict(fh)
        tk.initialized = True
        return _JiebaEngine(tk)


class _JiebaEngine:
    """Adapts jieba.Tokenizer to rjieba's method names."""

    def __init__(self, tk):
        self.tk = tk

    def add_word(self, word: str, freq: int, tag: str) -> None:
        self.tk.add_word(word, freq, tag)

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        return self.tk.lcut(text, HMM=hmm)

    def has_word(self, word: str) -> bool:
        return bool(self.tk.FREQ.get(word))
