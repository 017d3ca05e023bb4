"""Presentation mode, for screen-sharing at an all-hands: large type, no person's name anywhere.

`apply(view)` is called by the shell on every run: it enables the shared chart theme and,
when presenting (`?present=1`), injects our own fixed stylesheet and returns the View with
every person replaced by their team. Redacting the View itself, rather than each table,
is what keeps names out of page text, reasons, selectbox options and chart tooltips too:
a page cannot show what it was never given.

`next_page_link(pages, current, present=...)` draws the presenter's "Next" link, in the
order of app.py's PAGES, carrying the URL (filters, as-of date, present=1) along.
`slide_button(view)` offers the one-slide PNG for a board deck (ui/slide.py draws it).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from portfolio.model import Portfolio
from ui import theme

if TYPE_CHECKING:
    from ui.shell import View

# Our own stylesheet, a fixed string: no sheet content is ever put into it.
# Sizes are for a 1920x1080 screen read from across a room.
STYLESHEET = """
html { font-size: 20px; }
[data-testid="stMainBlockContainer"] {
  max-width: 100%;
  padding: 4.5rem 4rem 4rem 4rem;
}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 1.4rem; }
[data-testid="stMainBlockContainer"] h1 { font-size: 2.8rem; padding-bottom: 0.6rem; }
[data-testid="stMainBlockContainer"] h2 { font-size: 2.1rem; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.7rem; line-height: 1.35; }
[data-testid="stMainBlockContainer"] p,
[data-testid="stMainBlockContainer"] li { font-size: 1.15rem; line-height: 1.55; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] p { font-size: 3rem; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
[data-testid="stMainBlockContainer"] [data-testid="stCaptionContainer"] p { font-size: 1rem; }
[data-testid="stMainBlockContainer"] [data-testid="stPageLink"] p {
  font-size: 1.2rem;
  font-weight: 600;
}
"""

TEAM_SUFFIX = " team"
HIDDEN_PERSON = "a team member"  # a person whose team is not known
HIDDEN_NAME = "[name hidden]"  # a person's name found inside other text
# Columns that hold a person, per table of the Portfolio and in the verdicts frame.
PERSON_COLUMNS = {"initiatives": ("owner",), "checkins": ("author",), "assessed": ("owner",)}
# Free text where people write about people: left blank when presenting.
FREE_TEXT_COLUMNS = {"initiatives": ("notes",), "checkins": ("note",)}
# Headers of columns the contract does not know that look like they hold a person.
PERSON_HEADER = re.compile(
    r"owner|author|contact|e-?mail|sponsor|lead|manager|person|people|respondent|champion|"
    r"submitted|reporter|assignee|who",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Parts of a name shorter than this are not hidden on their own ("Li" would eat words).
MIN_NAME_PART = 3
# Columns of free text that may mention a person by name, scrubbed when presenting.
MENTION_COLUMNS = ("name", "label", "reason", "reasons", "reverted_to", "tool", "area")
FIRST_PAGE_LABEL = "Back to the start"


# --- redaction (pure pandas, testable without a running app) -------------------------------


def person_columns(columns: Iterable[str], *, known: Iterable[str] = ()) -> list[str]:
    """The columns that hold a person: the known ones, and unknown ones whose header says so.

    >>> person_columns(["id", "owner", "Sponsor", "Lead time"], known=["owner"])
    ['owner', 'Sponsor', 'Lead time']
    """
    known = set(known)
    return [str(c) for c in columns if c in known or PERSON_HEADER.search(str(c))]


def _names(values: Iterable[object]) -> set[str]:
    """The words of people's names ("Zebulon Quartermaine" -> "Zebulon", "Quartermaine")."""
    names: set[str] = set()
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        local = value.split("@")[0] if "@" in value else value
        names.update(part for part in _WORD.findall(local) if len(part) >= MIN_NAME_PART)
    return names


@dataclass(frozen=True)
class Names:
    """People's names and their parts, found in text word by word.

    A set lookup per word rather than one regular expression of every name: with
    thousands of owners, an alternation of all of them is slow on every cell.
    """

    words: frozenset[str]

    def sub(self, replacement: str, text: str) -> str:
        """Text with every word that is a name replaced; a full name becomes one replacement.

        >>> Names(frozenset({"Zebulon", "Quartermaine"})).sub("#", "Ask Zebulon Quartermaine")
        'Ask #'
        """
        if self.words.isdisjoint(_WORD.findall(text)):
            return text  # the usual case, found without a Python call per word
        replaced = _WORD.sub(lambda m: replacement if m.group() in self.words else m.group(), text)
        repeated = re.escape(replacement)
        return re.sub(rf"{repeated}(?:[\s-]+{repeated})+", replacement, replaced)


def name_pattern(values: Iterable[object]) -> Names | None:
    """What hides these people's names, or their parts, as whole words (None: no names).

    >>> name_pattern(["Zebulon Quartermaine"]).sub("#", "Ask Zebulon or Quartermaine")
    'Ask # or #'
    """
    words = frozenset(_names(values))
    return Names(words) if words else None


def scrub(value: object, pattern: Names | None) -> object:
    """Text with people's names and email addresses hidden; lists element by element.

    >>> scrub("Zebulon's bot", name_pattern(["Zebulon Quartermaine"]))
    "[name hidden]'s bot"
    """
    if isinstance(value, list | tuple):
        return [scrub(v, pattern) for v in value]
    if not isinstance(value, str):
        return value
    text = EMAIL.sub(HIDDEN_NAME, value) if "@" in value else value
    return pattern.sub(HIDDEN_NAME, text) if pattern is not None else text


def _teams_by_id(initiatives: pd.DataFrame) -> pd.Series:
    if not {"id", "team"} <= set(initiatives.columns):
        return pd.Series(dtype="string")
    teams = initiatives.dropna(subset=["id"]).drop_duplicates("id").set_index("id")["team"]
    return teams.astype("string")


def _as_team(team: pd.Series) -> pd.Series:
    return (team.astype("string") + TEAM_SUFFIX).fillna(HIDDEN_PERSON).astype("string")


def _redact_frame(
    frame: pd.DataFrame,
    *,
    team: pd.Series | None,
    people: Sequence[str],
    free_text: Sequence[str],
    pattern: Names | None,
) -> pd.DataFrame:
    out = frame.copy()
    for column in people:
        if column in out.columns:
            if team is None:
                out[column] = pd.Series(HIDDEN_PERSON, index=out.index, dtype="string")
            else:
                out[column] = _as_team(team)
    for column in free_text:
        if column in out.columns:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="string")
    for column in MENTION_COLUMNS:
        if column in out.columns and column not in people:
            scrubbed = out[column].astype(object).map(lambda v: scrub(v, pattern))
            out[column] = scrubbed if column == "reasons" else scrubbed.astype(out[column].dtype)
    return out


def _people_in(frame: pd.DataFrame, columns: Sequence[str]) -> list[object]:
    values: list[object] = []
    for column in columns:
        if column in frame.columns:
            values.extend(frame[column].dropna().astype(str).unique().tolist())
    return values


def redact_portfolio(portfolio: Portfolio) -> tuple[Portfolio, Names | None]:
    """The Portfolio with every person replaced by their team, and the names pattern used.

    Owners become "<team> team"; a check-in's author becomes the team of its initiative;
    notes are blanked; unknown columns whose header names a person ("Sponsor", "Contact
    email") are treated like owners; a name or email found in an initiative's name or
    `reverted_to` is replaced by "[name hidden]". The original is not changed (it is shared
    by every viewer through the cache).
    """
    ini = portfolio.initiatives
    ini_people = person_columns(ini.columns, known=PERSON_COLUMNS["initiatives"])
    ck = portfolio.checkins
    ck_people = person_columns(ck.columns, known=PERSON_COLUMNS["checkins"])
    daily = portfolio.daily_tools
    daily_people = person_columns(daily.columns)
    pattern = name_pattern(
        _people_in(ini, ini_people) + _people_in(ck, ck_people) + _people_in(daily, daily_people)
    )
    ini_team = ini["team"] if "team" in ini.columns else None
    ck_team = None
    if "initiative_id" in ck.columns:
        ck_team = ck["initiative_id"].map(_teams_by_id(ini))
    redacted = dataclasses.replace(
        portfolio,
        initiatives=_redact_frame(
            ini,
            team=ini_team,
            people=ini_people,
            free_text=FREE_TEXT_COLUMNS["initiatives"],
            pattern=pattern,
        ),
        checkins=_redact_frame(
            ck,
            team=ck_team,
            people=ck_people,
            free_text=FREE_TEXT_COLUMNS["checkins"],
            pattern=pattern,
        ),
        daily_tools=_redact_frame(
            daily, team=None, people=daily_people, free_text=(), pattern=pattern
        ),
    )
    return redacted, pattern


def redact_assessed(assessed: pd.DataFrame, pattern: Names | None) -> pd.DataFrame:
    """The verdicts frame with owners replaced by their team and names scrubbed from reasons."""
    team = assessed["team"] if "team" in assessed.columns else None
    people = person_columns(assessed.columns, known=PERSON_COLUMNS["assessed"])
    return _redact_frame(assessed, team=team, people=people, free_text=(), pattern=pattern)


# --- the running app ----------------------------------------------------------------------


@st.cache_resource(max_entries=4, show_spinner=False)
def _redacted(key: str, fetched_at: object, as_of: pd.Timestamp, _portfolio, _assessed):
    # Keyed like the verdicts cache, so a presenting session redacts once per read and date.
    portfolio, pattern = redact_portfolio(_portfolio)
    return portfolio, redact_assessed(_assessed, pattern)


def redact(view: View) -> View:
    """The View with no person's name in it, for presentation mode."""
    portfolio, assessed = _redacted(
        view.source_key, view.portfolio.fetched_at, view.as_of, view.portfolio, view.assessed
    )
    return dataclasses.replace(
        view, portfolio=portfolio, assessed=assessed, filtered=view.filters.apply(assessed)
    )


def apply(view: View) -> View:
    """Enable the chart theme; when presenting, the large-type stylesheet and a redacted View."""
    theme.use()
    if not view.present:
        return view
    st.html(f"<style>{STYLESHEET}</style>")
    return redact(view)


def next_page(pages: Sequence[st.Page], current: st.Page) -> st.Page:
    """The page after `current` in app.py's order, wrapping round to the first."""
    paths = [p.url_path for p in pages]
    index = paths.index(current.url_path) if current.url_path in paths else -1
    return pages[(index + 1) % len(pages)]


def next_page_link(pages: Sequence[st.Page], current: st.Page, *, present: bool) -> None:
    """In presentation mode, a link to the next page that keeps the URL's filters and mode."""
    if not present or len(pages) < 2:
        return
    target = next_page(pages, current)
    is_first = target.url_path == pages[0].url_path
    label = FIRST_PAGE_LABEL if is_first else f"Next: {target.title}"
    _, right = st.columns([4, 1])
    right.page_link(
        target,
        label=label,
        icon=":material/arrow_forward:",
        query_params=st.query_params.to_dict(),
    )


def slide_button(view: View) -> None:
    """A download of the one-slide PNG (1920x1080) for a board deck, rendered when clicked.

    The slide is drawn from the redacted verdicts even outside presentation mode: it is
    made to leave the room.
    """
    from ui import slide

    def render() -> bytes:
        private = view if view.present else redact(view)
        return slide.render(private.filtered, as_of=view.as_of, scope=view.filters.describe())

    st.download_button(
        "Download the slide",
        data=render,
        file_name=slide.file_name(view.as_of),
        mime="image/png",
        key="overview_slide",
        on_click="ignore",
        icon=":material/slideshow:",
        help="One 1920x1080 image for a board deck: the headline, the theater gap, verdicts "
        "by team, the costliest watermelons and what is working. No names of people.",
    )
