"""Reading age of a victim page: the text a victim reads in <main>, measured with textstat
(pinned in pyproject.toml, as its syllable counts change between releases).

Reading age = Flesch-Kincaid grade + 5 (a US grade is about the school year, and children start
at five); the pages must read at 9 or below (issue 20). Navigation, header and footer are not
measured, nor scripts, styles, or text hidden from everyone.

Each block (a paragraph, heading, list item, table cell, label, button) is one sentence: a
heading or a list item has no full stop, and without one textstat would run a page's headings
and lists into one long sentence. Blocks of one or two words (a heading such as "Right 4", a
table heading) are left out: textstat does not count them as sentences but counts their words,
which would charge every label to the sentence before it."""

from html.parser import HTMLParser

import textstat

LIMIT = 9

_SKIP = {"nav", "header", "footer", "script", "style", "template", "noscript", "svg"}
_BLOCKS = {
    "p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption",
    "label", "legend", "button", "summary", "blockquote", "figcaption", "div", "section",
    "article", "aside", "tr", "ul", "ol", "dl", "table", "form", "fieldset", "details",
    "address",
}  # fmt: skip
_VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col"}


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._stack: list[str] = []
        self._in_main = 0
        self._skipping = 0
        self.saw_main = False

    def _break(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            if tag == "br":
                self._break()
            return
        attributes = dict(attrs)
        hidden = "hidden" in attributes or attributes.get("aria-hidden") == "true"
        skips = tag in _SKIP or hidden
        self._stack.append((tag, skips))
        if tag == "main":
            self._in_main += 1
            self.saw_main = True
        if skips:
            self._skipping += 1
        if tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag):
        if tag in _VOID or tag not in (opened for opened, _skips in self._stack):
            return
        while self._stack:
            opened, skips = self._stack.pop()
            if skips:
                self._skipping -= 1
            if opened == "main":
                self._in_main -= 1
            if opened in _BLOCKS:
                self._break()
            if opened == tag:
                break

    def handle_data(self, data):
        if self._in_main and not self._skipping:
            self._current.append(data)


def main_text_blocks(html: str) -> list[str]:
    parser = _MainText()
    parser.feed(html)
    parser.close()
    parser._break()
    if not parser.saw_main:
        raise AssertionError("the page has no <main>: nothing to measure")
    return parser.blocks


def measured_text(html: str) -> str:
    """The text that is measured: each block of three words or more, ended as a sentence."""
    sentences = []
    for block in main_text_blocks(html):
        if len(block.split()) < 3:
            continue
        sentences.append(block if block[-1] in ".!?" else block + ".")
    return " ".join(sentences)


def reading_age(html: str) -> float:
    text = measured_text(html)
    if not text:
        raise AssertionError("the page's <main> has no text to measure")
    textstat.set_lang("en")
    return textstat.flesch_kincaid_grade(text) + 5


def assert_reading_age(html: str, *, limit: float = LIMIT) -> None:
    age = reading_age(html)
    assert age <= limit, (
        f"reading age {age:.1f} is above {limit}: shorter sentences and shorter words.\n"
        f"Measured text:\n{measured_text(html)}"
    )
