"""Control characters in sheet text: one definition, removed where text is written, escaped
where it is shown raw.

People paste into the sheet and into the check-in form, and a paste can carry characters
nobody sees: ESC and BEL (which a terminal obeys: clear the screen, retitle the window),
NUL, line breaks inside a one-line field, bidirectional overrides that reorder the rest of a
line, lone surrogates (which cannot even be encoded as UTF-8) and the non-characters
U+FFFE/U+FFFF. `CONTROL` is that set. `strip` removes them from text that is about to be
written (a check-in's note and author); `escape` shows them as `\\uXXXX` (or `\\n`, `\\t`,
`\\r`) where text reaches a terminal (every line `cli.py` prints), which is also how JSON
writes them, so an escaped JSON document stays valid JSON.

Text written out for a spreadsheet (a CSV download, rows to paste into the sheet) is the
other danger: `formula_like` says when a spreadsheet would read it as a formula (OWASP
"CSV injection"), and the writers put an apostrophe before it. `xml_text` keeps only what
XML 1.0 holds, for the PNG renderer (ui/rendering.py), which draws through SVG.

>>> escape("Bot\\x1b[2J\\x07 one\\nline")
'Bot\\\\u001b[2J\\\\u0007 one\\\\nline'
>>> strip("Bot\\x00 one\\n", keep_lines=True)
'Bot one\\n'
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, the line and paragraph separators, the bidirectional embeddings,
# overrides and isolates, lone surrogates, U+FFFE and U+FFFF.
CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
LINE_BREAKS = "\n\r\t"  # kept by `strip(..., keep_lines=True)`: a note has paragraphs
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT.get(char) or f"\\u{ord(char):04x}"


def escape(text: str) -> str:
    """`text` with every control character written as an escape, on one line.

    escape("a\\x1bb") -> 'a\\\\u001bb'; escape("two\\nlines") -> 'two\\\\nlines'.
    """
    return text if CONTROL.search(text) is None else CONTROL.sub(_escaped, text)


def escape_lines(text: str) -> str:
    """`escape` of each line, the line breaks between them kept: for text that is already
    laid out in lines (a report, pretty-printed JSON)."""
    return "\n".join(escape(line) for line in text.split("\n"))


def whole(text: str) -> str:
    """`text` as UTF-8 can hold it: a lone surrogate (valid in JSON, which the Sheets API
    speaks, but not in UTF-8, nor in pandas' text columns) becomes U+FFFD.

    whole("Bot\\ud800one") -> 'Bot\\ufffdone'.
    """
    return text if _SURROGATE.search(text) is None else _SURROGATE.sub("\ufffd", text)


def strip(text: str, *, keep_lines: bool = False) -> str:
    """`text` without its control characters (with `keep_lines`, tabs and line breaks stay).

    strip("Dana\\x1b[2J") -> 'Dana[2J'; strip("a\\nb") -> 'ab'.
    """
    return CONTROL.sub(lambda m: m.group() if keep_lines and m.group() in LINE_BREAKS else "", text)


def count(text: str, *, keep_lines: bool = False) -> int:
    """How many characters `strip(text, keep_lines=...)` removes."""
    return sum(1 for m in CONTROL.finditer(text) if not (keep_lines and m.group() in LINE_BREAKS))


# What XML 1.0 cannot hold (the SVG the PNG renderer draws): C0 controls but tab and line
# breaks, lone surrogates, U+FFFE/U+FFFF. A subset of CONTROL; the rest XML holds.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XML_BREAKS = "\x0b\x0c"  # vertical tab and form feed: a line break in Word and some exports
ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # beyond U+FFFF: emoji, rare scripts


def xml_text(text: str, *, astral: bool = True) -> str:
    """`text` with every character XML 1.0 cannot hold replaced.

    Vertical tabs and form feeds become spaces, lone surrogates the replacement character,
    other controls (NUL, BEL, ESC, ...) and U+FFFE/U+FFFF go:
    xml_text("Bot\\x0bone\\x00") -> "Bot one"; xml_text("a\\ud800b") -> "a\\ufffdb".
    With `astral=False`, characters beyond U+FFFF (emoji) become the replacement character.
    """
    if NOT_XML.search(text) is not None:
        text = NOT_XML.sub(_xml_replacement, text)
    if not astral and ASTRAL.search(text) is not None:
        text = ASTRAL.sub("\ufffd", text)
    return text


def _xml_replacement(match: re.Match[str]) -> str:
    char = match.group()
    if char in XML_BREAKS:
        return " "
    if _SURROGATE.match(char):
        return "\ufffd"
    return ""


# What spreadsheets read as the start of a formula, also after leading spaces and in the
# full-width forms some spreadsheets accept.
FORMULA_TRIGGERS = "=+-@\t\r＝＋－＠"
_FORMULA = re.compile(r"^[ \u00a0]*[" + re.escape(FORMULA_TRIGGERS) + "]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read `text` as a formula.

    formula_like("=HYPERLINK(...)") -> True; formula_like(" ＝1+1") -> True;
    formula_like("Invoice bot") -> False.
    """
    return _FORMULA.match(text) is not None
