"""Segmentation: rjieba and jieba give identical tokens with the domain dictionary; dictionary files are sound."""
from __future__ import annotations

import pytest

from etl.segment import (
    DOMAIN_TERMS,
    GENERAL_STOPWORDS,
    GENRE_STOPWORDS,
    USER_TERMS,
    JiebaTokenizer,
    Tokenizer,
    load_stopwords,
    read_dict,
)

from .conftest import SAMPLE_REPORTS

pytestmark = pytest.mark.filterwarnings("ignore:pkg_resources:UserWarning")  # jieba 0.42 imports it

MUST_STAY_WHOLE = ["习近平法治思想", "重大行政决策", "行政复议", "谁执法谁普法", "放管服", "一网通办",
                   "法治政府建设示范", "三项制度", "行政执法公示", "合法性审查", "公平竞争审查", "告知承诺制"]
# ASCII runs the two engines disagree on unless our wrapper cuts them (see etl/segment.py).
EDGE_CASES = ["日期:2022-02-07 17:01", "《纲要(2021-2025年)》", "COVID-19疫情", "第1-3条", "a_b", "10.5.3%",
              "A-B-C型", "No.1", "x1.5", "3.5%以上", "x.y", "", "12345热线", "互联网+监管"]


@pytest.fixture(scope="module")
def engines() -> tuple[Tokenizer, JiebaTokenizer]:
    return Tokenizer.load(), JiebaTokenizer.load()


def test_parity_on_sample_reports(engines):
    rj, jb = engines
    files = sorted(SAMPLE_REPORTS.glob("*.txt"))
    assert len(files) == 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert rj.cut(text) == jb.cut(text), path.name


@pytest.mark.parametrize("text", EDGE_CASES)
def test_parity_on_edge_cases(engines, text):
    rj, jb = engines
    assert rj.cut(text) == jb.cut(text)


def test_ascii_runs_are_cut_jiebas_way(engines):
    assert engines[0].cut("日期:2022-02-07") == ["日期", ":", "2022", "-", "02", "-", "07"]
    assert engines[0].cut("增长3.5%") == ["增长", "3.5%"]


@pytest.mark.parametrize("word", MUST_STAY_WHOLE)
def test_domain_terms_stay_whole(engines, word):
    for tk in engines:
        assert tk.cut(f"我局深入推进{word}工作。") == ["我局", "深入", "推进", word, "工作", "。"], tk.engine_name


def test_dictionary_files():
    entries = read_dict([DOMAIN_TERMS])
    words = [e.word for e in entries]
    assert len(words) >= 300 and len(set(words)) == len(words)
    assert set(MUST_STAY_WHOLE) | {"双随机、一公开"} <= set(words)
    assert all(e.freq > 0 and e.tag for e in entries)
    assert read_dict([USER_TERMS]) == ()  # shipped with comments only
    general, genre = load_stopwords(), load_stopwords(genre=True)
    assert {"的", "以及", "我们"} <= general and {"坚持", "进一步", "加强", "深入", "全面"} <= genre
    assert not (general | genre) & set(words)  # a stopword would erase a domain term
    assert GENERAL_STOPWORDS.exists() and GENRE_STOPWORDS.exists()


def test_user_words_and_punctuated_phrases(tmp_path):
    user = tmp_path / "user.txt"
    user.write_text("# comment\n府院联动机制\n一件事 3000\n两个确立 10 nz\n", encoding="utf-8")
    tk = Tokenizer.load([DOMAIN_TERMS, user])
    assert "府院联动机制" in tk.cut("建立府院联动机制")
    assert tk.has_word("双随机、一公开") and "双随机、一公开" in tk.phrases
    assert [e.freq for e in read_dict([user])] == [5000, 3000, 10]
    bad = tmp_path / "bad.txt"
    bad.write_text("词 很多\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.txt:1"):
        read_dict([bad])


def test_no_cache_file_in_temp(engines, tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    JiebaTokenizer.load().cut("法治政府建设")
    Tokenizer.load().cut("法治政府建设")
    assert list(tmp_path.iterdir()) == []


def test_instances_are_independent():
    a, b = Tokenizer.load([]), Tokenizer.load([DOMAIN_TERMS])
    assert a.cut("习近平法治思想") != b.cut("习近平法治思想") == ["习近平法治思想"]
