"""strip_boilerplate on real page text: which lines go, which stay, and that report prose is never touched."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from etl.boilerplate import strip_boilerplate
from etl.normalize import normalize_text

FIXTURES = Path(__file__).parent / "fixtures"


def page(name: str) -> str:
    folder = "seeds" if name[0].isdigit() else "openings"
    return normalize_text((FIXTURES / folder / name).read_text(encoding="utf-8"))


def dropped_and_added(name: str) -> tuple[list[str], list[str]]:
    before = page(name).split("\n")
    after = strip_boilerplate(page(name)).split("\n")
    return [line for line in before if line not in after], [line for line in after if line not in before]


def test_qingyuan_page_chrome_goes_and_title_and_date_stay():
    text = strip_boilerplate(page("001_93df2457fec9964f.txt"))
    lines = text.split("\n")
    assert lines[:2] == ["清远市司法局2021年法治政府建设年度报告", "时间:2022-02-07 17:01:57 来源:本网"]
    assert lines[2].startswith("2021年以来,清远市司法局坚持以习近平新时代中国特色社会主义思想为指导")
    assert lines[-1].startswith("接下来,我局将继续全面贯彻落实习近平法治思想")
    dropped, added = dropped_and_added("001_93df2457fec9964f.txt")
    assert dropped == ["您当前的位置:首页 > 政务公开 > 规划计划 > 计划总结",
                       "时间:2022-02-07 17:01:57 来源:本网 访问量: -", "【字体:", "相关附件:", "扫一扫在手机打开当前页"]
    assert added == ["时间:2022-02-07 17:01:57 来源:本网"]


def test_editor_and_review_lines_go():
    dropped, added = dropped_and_added("002_47242c5338189b52.txt")
    assert dropped == ["(责任编辑:丁梅)", "初审: 复审: 终审:"]
    assert added == []
    assert strip_boilerplate(page("002_47242c5338189b52.txt")).split("\n")[-1] == (
        "(五)抓好执法监督工作。加大依法行政工作的指导和监督检查力度,切实做好行政执法证件的换发和培训工作,不断提高全区行政执法水平。")


def test_share_bar_and_trailing_contact_go():
    dropped, added = dropped_and_added("004_e40db4cf0542f638.txt")
    assert dropped == [
        "您当前的位置:首页 >区大数据应用发展管理局 >政务公开 >政府信息公开目录 >法治政府建设年度报告",
        "(联系人:孔乾坤;联系电话:023-40777005)", "扫一扫在手机打开当前页", "微信", "微博", "政务新媒体", "部门街镇",
        "国务院部门网站", "地方政府网站", "市政府部门网站", "区(县)政府网站", "其他网站"]
    assert added == []
    lines = strip_boilerplate(page("004_e40db4cf0542f638.txt")).split("\n")
    assert lines[:3] == ["重庆市长寿区区大数据应用发展管理局",
                         "重庆市长寿区大数据应用发展管理局关于2020年法治政府建设情况的报告", "日期:2021-05-28"]


@pytest.mark.parametrize("name, dropped, added", [
    ("o001.txt", ["字体大小:"], []),
    ("o014.txt", ["当前位置:首页", "> 政务公开 > 政府信息公开 > 法定主动公开内容 > 法治政府建设年报 > 市政府年度报告",
                  "发布日期:2023-02-21 15:38 浏览次数: 字体:[ ]", "分享:"], ["发布日期:2023-02-21 15:38"]),
    ("o018.txt", ["【 打印 】 【 扫一扫 】", "【 字体: 】"], []),
    ("o019.txt", ["发布日期:2024-03-12 09:20 来源:芜湖市司法局 作者:许旭 阅读次数: [字号: ] 背景颜色:"],
     ["发布日期:2024-03-12 09:20 来源:芜湖市司法局 作者:许旭"]),
    ("o023.txt", ["您当前的位置: 首页 > 政务公开 > 信息公开目录 > 统计信息", "更新时间:2022-03-24 作者: 字体:"],
     ["更新时间:2022-03-24 作者:"]),
])
def test_opening_widgets(name, dropped, added):
    assert dropped_and_added(name) == (dropped, added)


def test_metadata_lines_are_kept():
    kept = {
        "o001.txt": ["长沙县司法局2020年法治政府建设工作报告", "日期:2021-02-05 来源: 长沙县司法局"],
        "o008.txt": ["吉林市2022年度法治政府建设工作报告", "2023-02-15 14:49"],
        "o013.txt": ["陕西省人民政府关于2021年法治政府建设情况的报告", "省政府办公厅 2022-03-15"],
        "o014.txt": ["索引号: 113306000025775248/2023-237986 公开方式: 主动公开",
                     "发布机构: 市司法局(市行政复议局) 成文日期: 2023-02-21", "绍兴市人民政府"],
        "o018.txt": ["武汉市人民政府关于2022年度推进法治政府建设情况的报告", "来源: 发布日期:2023-02-21 10:00"],
    }
    for name, lines in kept.items():
        out = strip_boilerplate(page(name)).split("\n")
        for line in lines:
            assert line in out, (name, line)


@pytest.mark.parametrize("name", [f"o{i:03d}.txt" for i in range(1, 24) if i not in (1, 14, 18, 19, 23)])
def test_clean_openings_are_untouched(name):
    assert strip_boilerplate(page(name)) == page(name)


def test_seed_without_chrome_is_untouched():
    for name in ("000_c77dee4d8d3392e7.txt", "003_fe77d5667680b206.txt"):
        assert strip_boilerplate(page(name)) == page(name)


def test_every_gold_evidence_sentence_survives():
    for gold in ("gold-seeds.jsonl", "gold-openings.jsonl"):
        for row in (FIXTURES / gold).read_text(encoding="utf-8").splitlines():
            doc = json.loads(row)
            text = strip_boilerplate(page(doc["doc"]))
            for fact in doc["facts"]:
                assert fact["evidence"] in text, (doc["doc"], fact["evidence"])


def test_prose_mentioning_chrome_words_is_kept():
    prose = [
        "通过微信、微博等政务新媒体发布普法信息120条。",
        "主办单位应当落实安全责任,联系电话向社会公布。",
        "当前位置:首页 " + "这是一段很长的正文" * 20,  # too long to be a breadcrumb
        "联系电话:023-40777005",  # contact in the middle of the report
        "全年办理行政复议案件35件。",
    ]
    assert strip_boilerplate("\n".join(prose)) == "\n".join(prose)


def test_contact_lines_only_go_at_the_end():
    text = "全年办理行政复议案件35件。\n联系人:张三\n023-12345678\n网站标识码:5001150001\n渝ICP备05003300号"
    assert strip_boilerplate(text) == "全年办理行政复议案件35件。"


def test_previous_next_and_footer_lines():
    text = "\n".join(["报告正文第一段。", "上一篇:关于2019年的报告", "下一篇:无", "主办单位:某某市人民政府办公室",
                      "版权所有:某某市人民政府", "京公网安备 11010202000001号", "【字体:大 中 小】【打印】【关闭】"])
    assert strip_boilerplate(text) == "报告正文第一段。"
