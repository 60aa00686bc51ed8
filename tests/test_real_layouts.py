"""Layouts of real reports in the wild: each class named in the real-report issue, built small and exact."""
from __future__ import annotations

import pytest

from etl.meta_dates import find_published
from etl.metadata import extract_metadata
from etl.outline import parse_outline, part_flags
from etl.regions import Gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def _parts(text: str) -> dict[str, bool]:
    return {k[4:]: v for k, v in part_flags(text, parse_outline(text)).items()}


def _headings(text: str) -> list[tuple[int, str]]:
    return [(s.depth, s.heading) for s in parse_outline(text) if s.depth <= 2]


FLAT = ("2021年,县农业农村局全面推进法治建设,为全县发展提供了法治保障。一、强化组织领导,压实法治建设责任(一)坚持学法"
        "用法。全年开展学法12次。(二)完善制度。二、存在的问题和不足(一)学法不够深入。三、党政主要负责人履行推进法治"
        "建设第一责任人职责情况局长带头学法。四、2022年工作安排一是加强学习。")


def test_flattened_text_finds_inline_headings_and_the_four_parts():
    assert _headings(FLAT) == [(1, "强化组织领导,压实法治建设责任"), (2, "坚持学法用法"), (2, "完善制度"),
                               (1, "存在的问题和不足"), (2, "学法不够深入"),
                               (1, "党政主要负责人履行推进法治建设第一责任人职责情况局长带头学法"),
                               (1, "2022年工作安排")]
    assert _parts(FLAT) == {"achievements": True, "problems": True, "first_responsible": True,
                            "next_year_plan": True}


def test_ordinary_sentences_are_not_split_into_headings():
    # 一是, 第一, 一、二级, 三、四月, decimals and a quoted (二) out of sequence open nothing.
    text = ("今年启动一、二级响应各3次,第一季度召开会议。会议于三、四月份召开,一是加强学习,二是完善制度。"
            "参训人数增长2.5%,达到1.5万人。文件第(二)项规定了程序。") * 2
    assert _headings(text) == []


def test_results_of_the_year_are_not_the_next_years_plan():
    text = "一、2022年法治政府建设主要举措和成效\n(一)强化领导。\n二、2022年推进法治政府建设的主要举措及成效亮点\n"
    assert _parts(text) == {"achievements": True, "problems": False, "first_responsible": False,
                            "next_year_plan": False}


def test_a_sub_heading_devoted_to_the_duty_is_the_first_responsible_part():
    text = ("一、坚持党的领导\n(一)党组带头学法\n(二)认真履行党政主要负责人推进法治建设第一责任人职责\n"
            "(三)加强组织领导,切实履行推进法治政府建设职责\n")
    assert _parts(text)["first_responsible"] is True
    assert _parts(text.replace("认真履行党政主要负责人推进法治建设第一责任人职责", "完善制度"))[
        "first_responsible"] is False  # the general duty wording in a sub-heading is the body's work


@pytest.mark.parametrize("header, date", [
    ("公开类别 | 主动公开 | 发布时间 | 2019-04-28 |", "2019-04-28"),  # table-like header
    ("来源:叶城县司法局 作者: 发布时间 2025年09月05日 点击数:", "2025-09-05"),  # label without colon
    ("索 引 号 640421006/2025-00022 发文时间 2025-02-28", "2025-02-28"),
    ("2022-03-29 17:13:17 来源: 海口市司法局 打印", "2022-03-29"),  # date first, then the source
    ("来源:云南省人民政府办公厅          2016-04-11 15:37:31 【字体:", "2016-04-11"),
    ("(2025年4月29日在杭州市第十四届人民代表大会常务委员会第十七次会议上)", "2025-04-29"),  # delivered
])
def test_page_header_dates(header, date):
    got = find_published(f"某某县2024年法治政府建设情况报告\n{header}\n2024年,县政府坚持依法行政。")
    assert (got.value, got.source) == (date, "header")


def test_crawler_header_names_the_agency_when_there_is_no_title(gaz):
    text = ("当前位置:首页 > 政务公开 > 通知公告\n发布机构:杭州市西湖区市场监督管理局 发布时间:2022-02-10\n"
            "2021年,我局坚持以习近平法治思想为指导,全面推进依法行政。一、主要举措和成效\n")
    meta = extract_metadata(text, gazetteer=gaz)
    assert (meta.value("agency"), meta.agency.source, meta.value("agency_type"), meta.value("county"),
            meta.value("published")) == ("杭州市西湖区市场监督管理局", "header", "market_regulation", "西湖区",
                                         "2022-02-10")


def test_a_header_channel_is_not_the_agency(gaz):
    text = "来源:杭州市人民政府门户网站 浏览次数:\n2021年,我局坚持依法行政。现将有关情况报告如下。\n"
    assert extract_metadata(text, gazetteer=gaz).value("agency") is None


def test_the_report_sentence_names_the_reporter(gaz):
    text = ("根据通知要求,伊犁州人民政府高度重视,现将伊犁州2021年度法治政府建设情况报告如下:\n"
            "一、2021年法治政府建设情况及主要做法\n")
    meta = extract_metadata(text, gazetteer=gaz)
    assert (meta.value("agency"), meta.value("level"), meta.value("province"), meta.value("year")) == (
        "伊犁哈萨克自治州人民政府", "municipal", "新疆维吾尔自治区", 2021)


@pytest.mark.parametrize("title, agency", [
    ("黑龙江省市场监管局2020年法治政府建设情况报告", "黑龙江省市场监督管理局"),  # short form written out
    ("中共长春市委、长春市人民政府关于2021年法治政府建设情况的报告", "长春市人民政府"),  # joint report
    ("浦东新区人民政府2018年度法治政府建设情况报告", "上海市浦东新区人民政府"),  # a district behind its city
    ("兰州新区2022年度法治政府建设情况", "兰州新区管理委员会"),  # a zone is run by its committee
    # a zone named after its province keeps its name; otherwise it stands behind its host city
    ("广西-东盟经济技术开发区2023年法治政府建设情况报告", "广西-东盟经济技术开发区管理委员会"),
    ("郑东新区2022年度法治政府建设情况报告", "郑州市郑东新区管理委员会"),
    ("天津市规划和自然资源局和平分局2024年法治政府建设情况报告", "天津市规划和自然资源局和平分局"),  # a city's branch
    ("西安市公安局雁塔分局2023年法治政府建设工作报告", "西安市公安局雁塔分局"),
])
def test_agency_names_are_written_officially(title, agency, gaz):
    assert extract_metadata(f"{title}\n2020年,坚持依法行政。\n", gazetteer=gaz).value("agency") == agency


@pytest.mark.parametrize("text, gone", [
    ("加强和平区域合作", "和平区"),  # 区域 is a word: not 和平区
    ("在中山路开展普法宣传", "中山"),  # a street named after a place
    ("全市老城区改造稳步推进", "老城区"),  # a common noun that is also a district's name
])
def test_a_place_name_inside_another_word_is_no_place(text, gone, gaz):
    from etl.meta_region import word_safe

    assert gone not in [m.surface for m in word_safe(text, gaz.find(text))]
    assert gone in [m.surface for m in gaz.find(text)]  # the raw index does see it


def test_a_district_named_as_a_district_is_kept(gaz):
    from etl.meta_region import word_safe

    text = "洛阳市老城区人民政府"
    assert [m.surface for m in word_safe(text, gaz.find(text))] == ["洛阳市", "老城区"]


def test_a_place_picked_from_the_text_must_agree_with_the_provinces_it_names(gaz):
    # No name gives the reporter's place; the only county named lies outside the one province the text names.
    text = ("2021年,县人民政府坚持依法行政,赴余杭区学习经验。我县是福建省的山区县,"
            "福建省委、省政府高度重视。")
    meta = extract_metadata(text, gazetteer=gaz)
    assert (meta.value("county"), meta.value("city")) == (None, None)


def test_the_header_title_field_is_the_title(gaz):
    meta = extract_metadata("信息名称 | 浦东新区人民政府2018年度法治政府建设情况报告 | ||\n引言\n本年度报告。\n",
                            gazetteer=gaz)
    assert (meta.title, meta.value("agency"), meta.value("year")) == (
        "浦东新区人民政府2018年度法治政府建设情况报告", "上海市浦东新区人民政府", 2018)


def test_whole_reports_flattened_to_one_line_keep_their_gold():
    # Every seed with its line breaks dropped (a crawled page): title, header date, outline and facts hold.
    from etl.catalog import load_catalog
    from etl.pipeline import ParseContext
    from etl.quality import score_set
    from etl.quality_cli import load_set

    labels, folder = load_set("seeds-flat")
    q = score_set("seeds-flat", labels, folder, ParseContext(Gazetteer.load(), load_catalog()), flat=True)
    facts = q.all_facts
    assert (facts.tp, facts.fp, facts.fn, q.parts_rate) == (55, 0, 0, 1.0)
    assert {name: t.rate for name, t in q.meta.items()} == {name: 1.0 for name in q.meta}


@pytest.mark.parametrize("ending", [
    "\n北京市朝阳区人民政府\n2022年2月20日",  # the usual signature block
    "\n北京市朝阳区人民政府 2022年2月20日",  # agency and date on one line
    ",为全区发展提供法治保障。北京市朝阳区人民政府 2022年2月20日",  # run into the last sentence
])
def test_a_report_without_a_title_is_signed(ending, gaz):
    text = ("现将有关情况报告如下。一、主要举措和成效。全年审查合同12件。二、存在的问题。三、下一步工作安排" + ending)
    meta = extract_metadata(text, gazetteer=gaz)
    assert (meta.value("agency"), meta.value("county"), meta.value("year"), meta.value("published")) == (
        "北京市朝阳区人民政府", "朝阳区", 2021, "2022-02-20")


def test_a_report_signed_in_the_autumn_covers_its_own_year(gaz):
    meta = extract_metadata("现将有关情况报告如下。一、主要举措和成效。\n北京市朝阳区人民政府\n2021年12月20日",
                            gazetteer=gaz)
    assert (meta.value("year"), meta.year.source) == (2021, "inferred")


def test_a_comparison_year_is_not_the_year_covered(gaz):
    text = "现将2022年度法治政府建设情况报告如下。2017年在全省考核中获优秀。"
    assert extract_metadata(text, gazetteer=gaz).value("year") == 2022


def test_a_title_inside_a_document_name_is_not_the_title(gaz):
    text = ("2024年,省应急管理厅全面学习贯彻习近平法治思想,按照《中共云南省委全面依法治省委员会办公室关于做好2024年度"
            "法治政府建设情况报告工作的通知》要求,现将有关情况报告如下。" * 2)
    meta = extract_metadata(text, gazetteer=gaz)
    assert (meta.title, meta.value("agency"), meta.value("year")) == (None, "云南省应急管理厅", 2024)


def test_a_page_in_traditional_characters_is_read_in_simplified(gaz):
    from etl.normalize import normalize_text

    text = normalize_text("蘇州市人民政府:\n2021年是落實“十四五”規劃的開局之年,"
                          "全市上下堅持以習近平新時代中國特色社會主義思想為指導,深入學習貫徹落實習近平法治思想,根據上級黨委政府關於法治政府建設的決策部署,組織專題培訓。")
    assert text.startswith("苏州市人民政府:\n2021年是落实“十四五”规划的开局之年")
    assert normalize_text("乾隆年间,張三来访。") == "乾隆年间,張三来访。"  # a few old forms in a simplified text stay


def test_a_short_form_does_not_double_the_place_level(gaz):
    meta = extract_metadata("2022年,县卫健局坚持依法行政。元谋县卫生健康工作取得成效。元谋县位于云南省楚雄州。",
                            gazetteer=gaz)
    assert meta.value("agency") == "元谋县卫生健康局"


def test_a_zone_speaking_for_itself_is_its_committee(gaz):
    meta = extract_metadata("2024年,广西-东盟经济技术开发区深入贯彻落实习近平法治思想,认真落实自治区党委部署。",
                            gazetteer=gaz)
    assert meta.value("agency_type") == "government"


@pytest.mark.parametrize("page, agency, agency_type", [
    # furniture run straight into the opening sentence: no line break, no '。' before '2024年,'
    ("丨 网站无障碍 丨 关怀版发布日期:2025-03-14 发布者:和平区人民政府2024年,和平区教育局坚持以习近平法治思想为指导,"
     "落实《天津市法治政府建设实施纲要》。一、主要举措", "天津市和平区教育局", "education"),
    ("当前位置:政务公开>专题专栏• 发布日期:2021-03-23• 文字变大• 2020年,在市委市政府坚强领导下,市卫生健康委"
     "全面贯彻落实《法治政府建设实施纲要(2015-2020年)》。", None, "health"),
    # a title and a time run into the opening: the place that acts is the government
    ("按照《天津市实施纲要(2021-2025年)》发布时间:2024-03-28 09:18静海区2023年度法治政府建设情况报告2023年,"
     "静海区坚持依法行政,加快建设法治政府。",
     "天津市静海区人民政府", "government"),
])
def test_an_opening_run_into_the_page_furniture_names_the_reporter(page, agency, agency_type, gaz):
    meta = extract_metadata(page, "", gaz)
    assert (meta.agency.value, meta.agency_type.value) == (agency, agency_type)


@pytest.mark.parametrize("page, date", [
    ("成华区教育局2020年度法治政府建设年度报告- 成华区教育云- 2021-01-25 10:47- 阅读 2525"
     "根据《法治政府建设与责任落实督察工作规定》要求,区教育局认真落实区委、区政府的工作部署。"
     + "全面推进依法治教。" * 12,
     "2021-01-25"),
    ("兰州新区2022年度法治政府建设情况的报告2023/01/12/ 09:27 来源:兰州新区管理委员会省政府:现将情况报告如下。"
     + "全面推进依法行政。" * 15, "2023-01-12"),
    ("上海市统计局2019年度法治政府建设情况报告 上海市统计局 2020-06-08\n\n2019年,我局全面推进依法行政。\n",
     "2020-06-08"),  # the title line, its agency, then the date
    # a date in the first sentence is no stamp
    ("区司法局2022年度法治政府建设情况报告根据2021-03-01印发的方案,我局全面推进依法行政。" + "全面推进依法行政。" * 15,
     None),
])
def test_a_flattened_page_shows_its_date_in_the_furniture(page, date):
    assert find_published(page).value == date


@pytest.mark.parametrize("page, year", [
    ("蘇州市人民政府:2021年是开局之年,全市上下坚持以习近平法治思想为指导。现将本年度法治政府建设有关情况报告如下:"
     "一、深学笃行", 2021),
    ("通州区坚持以习近平法治思想为指导,成功创建全国法治政府建设示范区。一、2022年法治政府建设主要举措和成效"
     "(一)高标准学习。", 2022),
])
def test_a_flattened_page_states_the_year_it_covers(page, year, gaz):
    assert extract_metadata(page, "", gaz).year.value == year


def test_the_title_under_the_letterhead_names_the_agency(gaz):
    # the header block repeats the bare title; the copy under the letterhead carries the agency
    page = ("当前位置: 政府机构 >> 公义镇 >> 信息公开\n2021年法治政府建设工作情况报告\n• 发布日期:2022-03-31\n"
            "眉山市彭山区公义镇人民政府\n2021年法治政府建设工作情况报告\n2021年,我镇深入推进依法行政。\n")
    meta = extract_metadata(page, "", gaz)
    assert (meta.agency.value, meta.agency_type.value, meta.county.value) == (
        "眉山市彭山区公义镇人民政府", "government", "彭山区")


def test_a_street_office_letterhead_is_the_agency(gaz):
    page = ("中共重庆市荣昌区广顺街道工作委员会\n重庆市荣昌区人民政府广顺街道办事处\n"
            "关于2025年度法治政府建设情况的报告\n区委、区政府:\n2025年,广顺街道法治政府建设工作稳步推进。\n")
    meta = extract_metadata(page, "", gaz)
    assert (meta.agency.value, meta.agency_type.value) == ("重庆市荣昌区人民政府广顺街道办事处", "other")


def test_the_report_sentence_gives_the_year_after_the_agency(gaz):
    page = ("根据督察工作规定,现将全南县自然资源局2022年法治政府建设情况报告如下:\n一、主要举措\n"
            "(一)严格执法。全面推进依法行政。\n")
    assert extract_metadata(page, "", gaz).year.value == 2022


def test_a_sub_heading_on_the_first_responsibility_without_the_word_person():
    text = ("一、主要举措和成效\n(一)压实第一责任,全面推进法治建设\n县委、县政府主要领导亲自部署。\n"
            "(二)深化改革\n推进放管服改革。\n")
    assert _parts(text)["first_responsible"] is True


def test_an_opening_subject_set_off_by_a_comma(gaz):
    page = ("2024年,在市委、市政府的正确领导下,楚雄市林业和草原局,以全面推进依法行政为目标,切实抓好法治政府建设。"
            "现将有关工作情况报告如下:\n一、主要举措\n")
    meta = extract_metadata(page, "", gaz)
    assert (meta.agency.value, meta.agency_type.value, meta.level.value) == ("楚雄市林业和草原局", "forestry", "county")


def test_topical_headings_after_the_duty_part_are_the_results():
    text = ("一、扛牢第一责任人职责,压实法治建设政治责任\n局党组书记切实履行第一责任人职责。\n"
            "二、深化法治与审计融合,提升依法审计工作质效\n(一)发挥党组领导核心作用\n全年审计项目12个。\n")
    assert _parts(text) == {"achievements": True, "problems": False, "first_responsible": True,
                            "next_year_plan": False}


def test_measures_under_sub_headings_only_are_the_results():
    text = ("2019年,我局全面推进依法行政。\n(一)认真贯彻落实中央统计工作决策部署\n严格执行统计法。\n"
            "(二)深入推进简政放权\n清理证明事项。\n")
    assert _parts(text)["achievements"] is True


def test_a_township_title_gains_its_county(gaz):
    page = ("[ 发布机构 ] 石柱县石家乡 [ 发文字号 ] 石家府文〔2026〕5号\n"
            "[ 标 题 ] 石家乡人民政府关于2025年法治政府建设情况的报告\n"
            "[ 成文日期 ] 2026-01-16 [ 发布日期 ] 2026-01-16\n\n石家乡人民政府关于2025年法治政府建设情况的报告\n"
            "按照《石柱土家族自治县人民政府办公室关于做好2025年全县法治政府建设工作的通知》要求,现将情况报告如下。\n")
    meta = extract_metadata(page, "", gaz)
    assert (meta.agency.value, meta.agency_type.value, meta.level.value, meta.county.value) == (
        "石柱县石家乡人民政府", "government", "county", "石柱县")


def test_a_bare_zone_subject_is_the_zone_of_the_city_named(gaz):
    page = ("市委、市政府:\n2022年,高新区以习近平法治思想为指导,推进法治政府建设取得积极成效。现将主要情况报告如下:\n"
            "一、主要举措\n(一)在珠海市率先推行柔性执法。\n")
    meta = extract_metadata(page, "", gaz)
    assert (meta.agency.value, meta.city.value, meta.county.value, meta.level.value) == (
        "珠海高新技术产业开发区管理委员会", "珠海市", "珠海高新技术产业开发区", "county")


def test_a_numbered_document_title_and_a_commission_speaking_of_itself(gaz):
    page = ("浙卫〔2024〕3号《浙江省卫生健康委关于2023年度法治政府建设情况的报告》\n省委、省政府:\n"
            "现呈送我委2023年度法治政府建设情况报告,请审阅。\n")
    assert extract_metadata(page, "", gaz).agency.value == "浙江省卫生健康委员会"
    page = "市委、市政府:\n2025年以来,我委紧扣法治政府建设总体目标,将法治建设与卫生健康核心业务深度融合。\n"
    meta = extract_metadata(page, "", gaz)
    assert (meta.agency_type.value, meta.level.value) == ("health", "municipal")


def test_a_bracketed_publication_stamp_beats_the_writing_date():
    page = "[ 发布机构 ] 市卫生健康委\n[ 成文日期 ] 2021-01-11 [ 发布日期 ] 2021-01-19\n\n重庆市卫生健康委员会…\n"
    assert find_published(page).value == "2021-01-19"


def test_a_county_under_its_former_name(gaz):
    # 横县 became 横州市 in 2021; older reports use the old name
    page = "横县人民政府关于2020年法治政府建设工作情况的报告\n2020年,我县全面推进依法行政。\n"
    meta = extract_metadata(page, "", gaz)
    assert (meta.agency.value, meta.city.value, meta.county.value) == ("横县人民政府", "南宁市", "横县")


def test_a_government_office_is_not_the_government(gaz):
    page = "2021年,在区委、区政府的坚强领导下,区政府办认真贯彻落实习近平法治思想。现将有关工作情况汇报如下:\n"
    assert extract_metadata(page, "", gaz).agency_type.value == "other"
