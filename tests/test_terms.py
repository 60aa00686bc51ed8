"""Term counting: golden top terms per seed, phrase terms, stopwords, and the keyword page's pure helpers."""
from __future__ import annotations

import json
import os
import re

import pandas as pd
import pytest

from etl.segment import Tokenizer, load_stopwords
from etl.terms import count_terms, is_term, phrase_spans, sentence_terms
from ui.keyword_data import cooccur, log_odds

from .conftest import FIXTURES

SEEDS = FIXTURES / "seeds"
GOLDEN = FIXTURES / "terms"
REGEN = os.environ.get("UPDATE_TERMS_GOLDEN") == "1"  # rewrite tests/fixtures/terms/*.json from the seeds
TOP = 20


@pytest.fixture(scope="module")
def tk() -> Tokenizer:
    return Tokenizer.load()


def golden_of(text: str, tk: Tokenizer) -> dict:
    tc = count_terms(text, tk, load_stopwords())
    top = sorted(tc.terms, key=lambda kv: (-kv[1], kv[0]))[:TOP]
    return {"tokens": tc.tokens, "top": [[t, n] for t, n in top]}


@pytest.mark.parametrize("seed", sorted(p.stem for p in SEEDS.glob("*.txt")))
def test_golden_top_terms(tk, seed):
    got = golden_of((SEEDS / f"{seed}.txt").read_text(encoding="utf-8"), tk)
    path = GOLDEN / f"{seed}.json"
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        pairs = ",\n  ".join(json.dumps(p, ensure_ascii=False) for p in got["top"])
        path.write_text(f'{{"tokens": {got["tokens"]},\n "top": [\n  {pairs}\n ]}}\n', encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))


def test_phrase_terms_are_terms_of_their_own(tk):
    text = "深入推进“放管服”改革,落实双随机、一公开监管,学习《中华人民共和国行政处罚法》和习近平法治思想。放管服"
    tc = count_terms(text, tk, load_stopwords())
    # Segmented terms in order of first occurrence, then phrase terms (merged with a bare 放管服).
    assert tc.terms == (("深入", 1), ("推进", 1), ("改革", 1), ("落实", 1), ("监管", 1), ("学习", 1),
                        ("习近平法治思想", 1), ("放管服", 2), ("双随机、一公开", 1),
                        ("《中华人民共和国行政处罚法》", 1))
    assert tc.tokens == 12  # 和 is a token (a stopword), punctuation is not


def test_long_quotes_are_segmented_and_titles_keep_marks(tk):
    spans = phrase_spans("他说“依法行政是政府工作的基本准则,必须坚持”,并学习《民法典》。")
    assert spans == [(27, 32, "《民法典》")]
    assert count_terms("“一网通办”“ ”", tk).terms == (("一网通办", 1),)


def test_stopwords_and_non_terms(tk):
    assert not is_term("的") and not is_term("2020") and not is_term("以及", {"以及"}) and is_term("APP")
    tc = count_terms("2020年我们进一步加强依法行政工作。", tk, load_stopwords() | load_stopwords(genre=True))
    assert tc.terms == (("依法行政", 1),)
    assert tc.tokens == 7
    assert count_terms("“放管服”", tk).terms == (("放管服", 1),)  # a phrase term alone: no merging needed
    assert count_terms("", tk) == count_terms("。,\n", tk)
    assert count_terms("", tk).tokens == 0


def test_same_result_whatever_the_memo(tk):
    from etl import terms

    text = (SEEDS / "002_47242c5338189b52.txt").read_text(encoding="utf-8")
    first = count_terms(text, tk, load_stopwords())
    terms._SHAPES = terms._Shapes()  # a fresh process
    assert count_terms(text, tk, load_stopwords()) == first
    assert count_terms(text, tk, list(load_stopwords())) == first  # any collection of stopwords


def test_counting_path_counts_exactly_what_cut_gives(tk):
    """count_terms lets the engine see ASCII runs whole and splits them after counting, as cut() does before."""
    from collections import Counter

    from etl.terms import is_term

    text = "COVID-19疫情期间,于2022-02-07召开第1-3季度会议,No.1和3.5%,a_b.c版本v1.2.3发布。" + "9" * 150 + "件"
    expected = Counter(tok for tok in tk.cut(text) if is_term(tok))
    got = count_terms(text, tk)
    assert dict(got.terms) == dict(expected)
    assert dict(got.terms) == {"COVID": 1, "疫情": 1, "期间": 1, "召开": 1, "季度": 1, "会议": 1, "No.1": 1,
                               "版本": 1, "发布": 1}
    assert got.tokens == sum(1 for tok in tk.cut(text) if re.search(r"\w", tok)) == 27


def test_sentence_terms_once_per_sentence(tk):
    sets = sentence_terms(["行政复议行政复议纠错", "行政复议"], tk)
    assert sets == [frozenset({"行政复议", "纠错"}), frozenset({"行政复议"})]


def test_cooccur_counts_sentences_and_skips_the_term_itself():
    sets = [frozenset({"执法", "行政执法", "监督"}), frozenset({"执法", "监督", "公示"}), frozenset({"执法"})]
    df = cooccur(sets, "执法", top=5)
    assert df.to_dict("list") == {"term": ["监督", "公示"], "sentences": [2, 1], "share": [0.6667, 0.3333]}
    assert cooccur([], "执法").empty


def test_log_odds_informative_prior():
    counts = pd.DataFrame({"term": ["甲", "乙", "丙"], "n_target": [10, 0, 5], "n_rest": [0, 10, 5]})
    got = log_odds(counts, prior_size=20.0)
    assert got["term"].tolist() == ["甲", "丙", "乙"]
    assert got["z"].tolist() == [2.949, 0.0, -2.949]  # by hand: α_w = 20·10/30, δ = 1.3516, σ² = 0.21
    assert got["delta"].tolist() == [1.3516, 0.0, -1.3516]
    assert log_odds(counts.iloc[:0]).empty
