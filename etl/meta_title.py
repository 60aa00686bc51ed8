"""Find a report's title line, the agency it names, and the subject of the opening sentence."""
from __future__ import annotations

import re
from typing import Optional

from etl.regions import Mention

_CJK = "\u4e00-\u9fff"
_TOPIC = re.compile(r"法治政府建设|法治政府|依法行政|法治建设|依法治[省市县区]")
_KIND = re.compile(r"报告|情况|打算|总结|年报")
_ORDINAL = re.compile(r"^\s*([一二三四五六七八九十]+[、.]|[((][一二三四五六七八九十\d]+[))]|\d+[.、])")
_AGENCY_END = re.compile(r"(人民政府|政府|[省市县区州旗盟]委|管委会|管理委员会|局|厅|委员会|办公室|分局|中心|办事处)$")
_HEAD_LINES = 20
_TITLE_LABEL = re.compile(r"^[\[【]?\s*(?:标\s*题|信息名称|文章标题|名\s*称|题\s*名)\s*[\]】]?\s*[:：|]?\s*")


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines()[:200] if ln.strip()][:_HEAD_LINES]


_GLUED_SALUTATION = re.compile(r"^(.{6,80}?报告)((?:[\u4e00-\u9fff]{1,12}(?:委员会|委|政府|办公室|局|厅|院))"
                               r"(?:、[\u4e00-\u9fff]{1,12}(?:委员会|委|政府|办公室|局|厅|院))*):$")


def find_title(text: str) -> Optional[str]:
    """The report title near the top: a short line about 法治政府建设/依法行政 and a report, no sentence.

    A line with a year wins over one without (a section label like '法治政府建设年度报告'), and one naming
    its agency over one that does not.
    """
    lines = _lines(text)
    found = [t for t in (_title_at(lines, i) for i in range(len(lines))) if t]
    dated = [t for t in found if re.search(r"20\d{2}|二[〇○零]", t)]
    pool = dated or found
    # A page repeats its title: the copy under the letterhead names the agency, the header's copy may not.
    return next((t for t in pool if title_agency(t)), pool[0] if pool else None)


def _title_at(lines: list[str], i: int) -> Optional[str]:
    """lines[i] as a title (with the agency line above prepended for '关于…' titles), or None."""
    line = lines[i]
    label = _TITLE_LABEL.match(line)
    if label:  # a page header's title field: '标 题: X' or the table cell 'X' of '信息名称 | X | ||'
        line = next((cell for cell in line[label.end():].split("|") if cell.strip()), "")
    flat = re.sub(r"\s+", "", line)
    # '浙卫〔2024〕3号《浙江省卫生健康委关于…报告》': a document number, then the title in book-title marks
    numbered = re.fullmatch(r"[\u4e00-\u9fff]{1,8}[〔\[(]\d{4}[〕\])]\d+号《([^《》]+)》", flat)
    if numbered:
        flat = numbered.group(1)
    # A PDF or a flattened page can glue the addressees onto the title line ('…情况的报告区委、区政府:').
    glued = _GLUED_SALUTATION.match(flat)
    if glued:
        flat = glued.group(1)
    if not (6 <= len(flat) <= 80) or _ORDINAL.match(flat) or flat.startswith("《"):
        return None
    if re.search(r"[>›»|]|首页|当前位置|您的位置", flat):
        return None  # breadcrumbs name the site section, not the report
    if re.search(r"[,。;:]|现将|如下", flat) or not (_TOPIC.search(flat) and _KIND.search(flat)):
        return None
    if re.match(r"^(关于|20\d{2}\s*年)", flat):
        # A two-line title or a letterhead puts the agency above (绍兴市人民政府 / 关于2022年...).
        for prev in reversed(lines[max(0, i - 3):i]):
            prev = re.sub(r"文件$", "", re.sub(r"\s+", "", prev))
            if _is_agency_line(prev):
                return prev + flat
    return flat


def _is_agency_line(line: str) -> bool:
    """A bare agency name on its own line (letterhead, signature): short, Chinese only, agency ending."""
    return 4 <= len(line) <= 30 and bool(_AGENCY_END.search(line)) and bool(re.fullmatch(f"[{_CJK}、]+", line))


_SIGN_DATE = r"20\d{2}(?:年\d{1,2}月\d{1,2}日|[-./]\d{1,2}[-./]\d{1,2})"
# A signature run into the last sentence of flattened text: '…提供法治保障。XX市XX区人民政府 2021年12月20日'.
_INLINE_SIGNATURE = re.compile(r"[。!;)]\s*(?P<a>[" + _CJK + r"、]{4,40}?)\s*(?P<d>" + _SIGN_DATE + r")\s*$")


def inline_signature(text: str) -> Optional[re.Match]:
    """The signature (agency group 'a', date group 'd') run into the end of a page's last sentence."""
    m = _INLINE_SIGNATURE.search(text[-200:])
    return m if m and _is_agency_line(m.group("a")) else None


def signature_agency(text: str) -> Optional[str]:
    """The signing agency of a closing block: '长治市交通运输局' over a date line, both on one line, or both
    run into the last sentence of a flattened page."""
    lines = [re.sub(r"\s+", "", ln) for ln in text.splitlines()[-40:] if ln.strip()][-8:]
    for i in range(len(lines)):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _is_agency_line(lines[i]) and re.fullmatch(_SIGN_DATE, nxt):
            return lines[i]
        both = re.fullmatch(r"(?P<a>[" + _CJK + r"、]{4,40}?)" + _SIGN_DATE, lines[i])
        if both and _is_agency_line(both.group("a")):
            return both.group("a")
    m = inline_signature(text)
    return m.group("a") if m else None


def title_agency(title: Optional[str]) -> Optional[str]:
    """The agency part of a title: the text before 关于 or the first year; None if it names none."""
    if not title:
        return None
    title = re.sub(r"[((][^()()]{0,20}[))]", "", title)  # 县司法局(县行政复议局): keep the main name
    m = re.match(r"^(?P<a>.*?)(?:关于|(?=20\d{2}\s*年)|(?=二[〇○零][〇○零一二三四五六七八九]{2}年)|(?=年度))", title)
    name = (m.group("a") if m else "").strip(" -—")
    if not name:
        # '2022年度永嘉县法治政府建设情况报告': the agency follows the year
        m = re.match(r"^(?:关于)?20\d{2}\s*年度?(?P<a>[" + _CJK + r"、]{2,30}?)(?:推进|全面|法治|依法)", title)
        name = m.group("a") if m else ""
    name = re.sub(r"[^" + _CJK + "、]", "", name)
    if re.match(r"^[全我本]", name):
        return None  # 关于2022年全市…: a scope, not an agency
    return name if len(name) >= 2 else None


def normalise_agency(name: str) -> str:
    """Official spelling: 政府 -> 人民政府, and a '、' between the Party committee and the government."""
    name = re.sub(r"(?<!人民)政府$", "人民政府", name)
    # 中共X区委X区人民政府 -> 中共X区委、X区人民政府 (the joint report's two signatories).
    name = re.sub(r"([省市县区州旗]委)(?!、)(?=(?:中共)?[" + _CJK + r"]+人民政府$)", r"\1、", name)
    return name


_OPENING = re.compile(r"(?:^|(?<=[。\n]))[ \t\u3000]*20\d{2}\s*年(?:度)?(?:以来)?\s*[,,]\s*(?P<rest>[^\n]{0,200})")
# A flattened page runs the opening into its furniture ('…发布者:和平区人民政府2024年,和平区教育局坚持'):
# there the first '2024年,' not inside a date, a range or a number opens the report.
_RUN_IN_OPENING = re.compile(r"(?<![\d\-—–~～至到/.年])20\d{2}\s*年(?:度)?(?:以来)?\s*[,,]\s*(?P<rest>[^\n]{0,200})")
_PRELUDE = re.compile(r"^在[^,,。]{0,80}?(?:领导|支持|指导|关心|监督|帮助)[^,,。]{0,12}?下\s*[,,]?\s*")
_STOP = ("坚持", "认真", "全面", "深入", "紧紧", "高度", "围绕", "进一步", "始终", "按照", "聚焦", "扎实", "不断",
         "积极", "持续", "在", "把", "着力", "贯彻", "严格", "切实", "以", "紧扣", "立足", "牢固", "锚定", "继续",
         "扎扎实实", "大力", "强化", "狠抓", "主动", "按", "认", "结合", "落实", "紧密", "推进", "统筹", "自觉",
         "牢牢", "充分", "对标", "秉持", "全力", "努力", "奋力", "坚定", "始", "一")
# The subject may be set off by a comma: '2024年,在…领导下,楚雄市林业和草原局,以…'.
_SUBJECT = re.compile(r"^(?P<s>[" + _CJK + "、\\-·]{1,30}?)(?=[,,]?(?:"
                      + "|".join(sorted(_STOP, key=len, reverse=True)) + "))")


def _subject_of(sentence: str) -> Optional[str]:
    # '广西-东盟经济技术开发区(以下简称“广西-东盟经开区”)深入…': the short-name aside is not part of the subject
    sentence = re.sub(r"\((?:以下简称|下称|简称)[^()]{0,30}\)", "", sentence)
    for _ in range(3):
        stripped = _PRELUDE.sub("", sentence)
        if stripped == sentence:
            break
        sentence = stripped
    s = _SUBJECT.match(sentence)
    return s.group("s") if s else None


# A subject found outside the '2020年,' opening must look like an actor: 我局, 江苏省司法厅, 南昌县, 县政府.
_ACTOR = re.compile(r"^我[局厅县市区省旗州]|^本[局厅]|(局|厅|政府|委|[省市县区州旗])$")


def opening_subject(text: str) -> Optional[str]:
    """Who acts in the opening sentence '2020年,[在…领导下,]我局/南昌县/县委、县政府 坚持…'.

    When the report opens otherwise ('2022年是极为不平凡的一年。江苏省司法厅在…'), the first two sentences
    of the first paragraph are tried.
    """
    m = _OPENING.search(text[:4000])
    subject = _subject_of(m.group("rest")) if m else None
    if subject:
        return subject
    if "\n" not in text[:600].strip():
        m = _RUN_IN_OPENING.search(text[:4000])
        subject = _subject_of(m.group("rest")) if m else None
        if subject:
            return subject
    para = next((ln.strip() for ln in text[:4000].splitlines() if "。" in ln and len(ln.strip()) >= 40), "")
    for sentence in para.split("。")[:2]:
        cand = _subject_of(re.sub(r"^20\d{2}\s*年(?:度)?(?:以来)?\s*[,,]\s*", "", sentence.strip()))
        if cand and _ACTOR.search(cand):
            return cand
    return None


_ADDRESSEE = re.compile(r"(?m)^\s*(?P<a>[" + _CJK + r"、]{2,40})\s*[::]\s*$")


def addressee(text: str) -> Optional[str]:
    """A salutation line such as '市委、市政府:' or '国务院:' near the top."""
    m = _ADDRESSEE.search(text[:1500])
    if m and re.search(r"(委|政府|国务院|办公室|局|厅)$", m.group("a")):
        return m.group("a")
    return None


# The title inside a flattened page: '…>计划总结清远市司法局2021年法治政府建设年度报告时间:…'.
_INLINE_TITLE = re.compile(r"(?:关于)?(?:20\d{2}|二[〇○零][〇○零一二三四五六七八九]{2})\s*年度?[^。:：,;>|年]{0,30}?"
                           r"(?:法治政府建设|依法行政)[^。:：,;>|]{0,25}?(?:报告|情况(?:的?报告)?|工作总结)")
# What follows a title in page furniture: a header field, a date, or the opening '2024年,'.
_AFTER_TITLE = re.compile(r"\s*(?:(?:发布|来源|时间|日期|作者|浏览|点击|字号|索引|信息来源|文章来源)|【|"
                          r"20\d{2}\s*[-/.年](?:\d|度?\s*[,,])|[\u4e00-\u9fff、]{2,30}:)")


def inline_title(scan: str, mentions: list[Mention]) -> Optional[str]:
    """A title run into the page furniture of a flattened page (no line breaks near the top): from the place
    that opens the reporter's name to the end of '…年…法治政府建设…报告'."""
    head = scan[:600]
    if "\n" in head.strip()[:200]:
        return None  # a page with line breaks has its title on a line of its own, or none
    m = _INLINE_TITLE.search(head)
    before = head[:m.start()] if m else ""
    if not m or before.count("《") > before.count("》"):
        return None  # never inside a document's name
    if "。" in before and not _AFTER_TITLE.match(head, m.end()):
        return None  # after a sentence (a slogan over the page) only when page furniture or the opening follows
    start = m.start()
    for mention in reversed([x for x in mentions if x.end <= m.start() and m.start() - x.start <= 40]):
        if re.fullmatch(r"[\u4e00-\u9fff、]*", head[mention.start:start]):
            start = mention.start
    if head[max(0, start - 2):start] == "中共":
        start -= 2
    return head[start:m.end()]
