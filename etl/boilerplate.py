"""Drop web-page furniture (breadcrumbs, font/print widgets, share bars, editor and footer lines) from report text."""
from __future__ import annotations

import re

_C = "[:：]"  # colon, before or after normalisation

# Whole lines that are navigation or page chrome. Each pattern is anchored and length-limited by the caller so
# a sentence of report prose that merely mentions one of these words is never dropped.
_DROP_LINE = re.compile("|".join(f"(?:{p})" for p in (
    rf"^(您当前|您现在|您所在|当前|现在|所在)的?位置\s*{_C}.*",  # 您当前的位置:首页 > 政务公开 > …
    r"^(首页|网站首页)?\s*(>|»|›|＞).*",  # breadcrumb continued on its own line: > 政务公开 > …
    r"^首页\s*(>|»|›|＞|/).*",
    r"^扫一扫.{0,12}(当前页|本页|页面|阅读|分享)?$",
    rf"^分享(到|至)?\s*{_C}?.{{0,30}}$",
    rf"^\(?\s*(责任编辑|责编|编辑|来源编辑)\s*{_C}[^()]{{0,20}}\)?$",  # (责任编辑:丁梅)
    rf"^((初审|复审|终审|审核|审签|签发|校对|编审)\s*{_C}\s*\S{{0,10}}\s*)+$",  # 初审: 复审: 终审:
    r"^(上一篇|下一篇|上一条|下一条)\s*[:：]?.*",
    rf"^(主办单位|承办单位|主办|承办|技术支持|运行维护|维护单位)\s*{_C}.*",
    r".*(网站标识码|ICP备|ICP证|公网安备|版权所有|Copyright|©).*",
    rf"^(相关附件|附件下载|相关链接|相关文章|相关阅读|相关新闻|友情链接)\s*{_C}?$",
)))

# Exact lines of share/link bars and footers (e.g. the link list at the end of a Chongqing district page).
_NAV_WORDS = frozenset((
    "微信", "微博", "政务新媒体", "部门街镇", "国务院部门网站", "地方政府网站", "市政府部门网站", "区(县)政府网站",
    "区县政府网站", "其他网站", "省政府部门网站", "市县政府网站", "打印", "关闭", "打印本页", "关闭窗口", "返回顶部",
    "收藏", "分享", "字体", "字号", "大 中 小", "网站地图", "联系我们", "无障碍", "English", "QQ空间", "QQ好友",
    "微信朋友圈", "新浪微博", "手机版", "返回首页", "我要纠错", "纠错",
))

# Fragments inside a line: font-size pickers, print/close buttons, visit counters. A line made only of these
# is dropped; a metadata line (发布日期 … 浏览次数:) keeps its date and source with the widgets cut out.
_WIDGETS = re.compile("|".join((
    r"【\s*字[体号]\s*[:：]?[^】]*】?",
    r"\[\s*字[体号]\s*[:：]?[^\]]*\]",
    r"字[体号](大小)?\s*[:：]\s*(\[[^\]]*\]|【[^】]*】|大\s*中\s*小)?",
    r"【\s*(打印|关闭|打印本页|关闭窗口|扫一扫|收藏|返回顶部|分享|大|中|小)\s*】",
    r"\[\s*(打印|关闭|打印本页|关闭窗口|扫一扫|收藏|返回顶部|分享|大|中|小)\s*\]",
    r"(浏览次数|阅读次数|访问次数|访问量|点击数|点击量|浏览量|阅读量|点击率)\s*[:：]\s*[\d,\-]*\s*次?",
    r"背景(颜色|色)\s*[:：]",
    r"分享(到|至)?\s*[:：]\s*$",
)))
# Cheap tests that tell most prose lines they cannot match. A widget starts with one of these characters;
# a chrome line starts with one of these (or a space) unless it holds a footer keyword, as the branches of
# _DROP_LINE say. Keep both in step with the patterns above; tests/test_parse_equivalence.py checks them.
_WIDGET_START = re.compile("[【\\[字浏阅访点背分]")
_CHROME_FIRST = frozenset("您当现所首网>»›＞扫分(责编来初复终审签校上下主承技运维相附友")
_FOOTER_WORD = re.compile("网站标识码|ICP备|ICP证|公网安备|版权所有|Copyright|©")
_META_LABEL = re.compile(r"(时间|日期|来源|作者|发布|更新|索引号|文号)\s*[:：]")
_JUNK_ONLY = re.compile(r"^[\s\[\]【】|/:：\-·•,，;；()]*$")

# Contact lines are page footer only at the very end; the same words inside the report body are kept.
_CONTACT_LABELS = "联系人|联系电话|电话|联系方式|咨询电话|地址|通讯地址|邮编|邮政编码|传真|邮箱|电子邮箱|E-?mail"
_CONTACT = re.compile(rf"^\(?\s*({_CONTACT_LABELS})\s*{_C}", re.I)
_PHONE_ONLY = re.compile(r"^[\d\-\s()转+、,]{7,}$")

MAX_CHROME_LINE = 150  # characters; longer lines are prose and never dropped by the line patterns


def _clean_widgets(line: str) -> str | None:
    """Return the line with widgets cut out, None if nothing but widgets was on it, or the line itself."""
    if not _WIDGET_START.search(line):
        return line
    cleaned = _WIDGETS.sub(" ", line)
    if cleaned == line:
        return line
    cleaned = re.sub(r" {2,}", " ", cleaned).strip()
    if _JUNK_ONLY.match(cleaned):
        return None
    # Only metadata lines get edited in place; anything else keeps its text untouched.
    return cleaned if _META_LABEL.search(cleaned) else line


def _is_chrome(line: str) -> bool:
    if line in _NAV_WORDS or line.rstrip(":：") in _NAV_WORDS:
        return True
    if len(line) > MAX_CHROME_LINE or not line:
        return False
    if line[0] not in _CHROME_FIRST and not line[0].isspace() and not _FOOTER_WORD.search(line):
        return False
    return _DROP_LINE.match(line) is not None


def _is_contact(line: str) -> bool:
    if len(line) > MAX_CHROME_LINE:
        return False
    return bool(_CONTACT.match(line)) or (bool(_PHONE_ONLY.match(line)) and sum(ch.isdigit() for ch in line) >= 7)


def strip_boilerplate(text: str) -> str:
    """Remove page chrome line by line; report prose, the title and date/source lines are kept.

    Drops breadcrumbs, 【字体:大 中 小】/【打印】【关闭】 widgets, 扫一扫…, share/link lists, (责任编辑:…),
    初审/复审/终审, visit counters, 主办单位/网站标识码/ICP备/公网安备 footers, 上一篇/下一篇, and contact or
    phone-only lines at the end of the page. Pure; expects normalised text (one paragraph per line).
    """
    kept: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line or _is_chrome(line):
            continue
        # Widgets sit on short navigation/metadata lines; long lines are prose and kept as they are.
        cleaned = _clean_widgets(line) if len(line) <= MAX_CHROME_LINE else line
        if cleaned is not None:
            kept.append(cleaned)
    while kept and (_is_contact(kept[-1]) or _is_chrome(kept[-1])):
        kept.pop()
    return "\n".join(kept)
