"""Web-page boilerplate, which is never an entity: the labels of a page's furniture
(``来源``, ``转载请注明``, ``网站首页``), breadcrumbs (``新聞 > 市科技工作黨委``), URLs and
e-mail addresses.

The rules read the text the model saw (folded to simplified script and half-width forms).
"""

from __future__ import annotations

import re
from bisect import bisect_right

from seedner.text.spans import Mention, tidy_span


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# words of a page's furniture that models tag as names; a span that is one of them is dropped
LABELS = _words(
    "来源 出处 转载 请注明 转载请注明 作者 编辑 责任编辑 责编 审核 校对 供稿 首页 网站 网站首页 "
    "主页 版权所有 版权 上一篇 下一篇 返回 打印 关闭 分享 收藏 点击 浏览 阅读 评论 扫一扫 "
    "免责声明 原标题 摘要 关键词 附件 字号 发布时间 发布日期 更新时间 浏览次数"
)
# a span starting with one of them and a colon loses that head: `来源:学会秘书处` → `学会秘书处`
_LABEL_HEAD_RE = re.compile(
    "(?:" + "|".join(sorted(LABELS, key=len, reverse=True)) + r")\s*[:：]\s*"
)
BREADCRUMB_MARKS = frozenset(">»›")

_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_URL_OR_EMAIL_RE = re.compile(
    r"(?:https?|ftp)://[!-~]+"  # a scheme: everything printable up to a space or non-ASCII
    rf"|www\.{_HOST}(?:\.{_HOST})+[!-~]*"
    rf"|[A-Za-z0-9._%+-]+@{_HOST}(?:\.{_HOST})+"  # e-mail
    rf"|(?<![A-Za-z0-9.-]){_HOST}(?:\.{_HOST})*\.(?:com|cn|net|org|gov|edu|info|hk|tw)"
    r"(?![A-Za-z0-9-])(?:/[!-~]*)?"  # a bare host name: jbk.39.net/yiyuanzaixian
)


def web_address_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds URLs and e-mail addresses, in order."""
    return [m.span() for m in _URL_OR_EMAIL_RE.finditer(text)]


class WebAddresses:
    """The URLs and e-mail addresses of a text, to ask whether a span touches one."""

    def __init__(self, text: str) -> None:
        found = web_address_spans(text) if ("." in text or "@" in text) else []
        self.starts = [s for s, _ in found]
        self.ends = [e for _, e in found]  # ascending too: matches do not overlap

    def overlap(self, start: int, end: int) -> bool:
        i = bisect_right(self.ends, start)  # the first address ending after ``start``
        return i < len(self.starts) and self.starts[i] < end


def drop_boilerplate(
    text: str, mentions: list[Mention], addresses: WebAddresses | None = None
) -> list[Mention]:
    """Mentions without boilerplate: label words dropped, label heads cut off, breadcrumbs
    and spans touching a URL or e-mail address (``addresses``: those of ``text``) dropped."""
    if addresses is None:
        addresses = WebAddresses(text)
    kept = []
    for m in mentions:
        span = text[m.start : m.end]
        if not BREADCRUMB_MARKS.isdisjoint(span):
            continue
        if addresses.overlap(m.start, m.end):
            continue
        head = _LABEL_HEAD_RE.match(span)
        if head:
            tidy = tidy_span(text, m.start + head.end(), m.end)
            if tidy is None:
                continue
            m = Mention(tidy[0], tidy[1], m.type, m.label)
            span = text[m.start : m.end]
        if "".join(span.split()) in LABELS:
            continue
        kept.append(m)
    return kept
