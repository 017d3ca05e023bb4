"""Hiding people's names: one home for the app's presentation mode, the slide and the exports.

`redact_portfolio(portfolio)` returns the Portfolio with every person replaced by their team
and the `Names` it found; `redact_assessed(assessed, names)` does the same to the verdicts.
`hide_names(text, names)` hides names and e-mail addresses inside any other text.
`anonymize_table(frame)` is the last guard of a table shown or exported while presenting.
Pure pandas: nothing here imports Streamlit, so `cli.py slide` and the weekly digest use it
as the app does.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from portfolio.model import Portfolio

TEAM_SUFFIX = " team"
HIDDEN_PERSON = "a team member"  # a person whose team is not known
HIDDEN_NAME = "[name hidden]"  # a person's name found inside other text
# Columns that hold a person, per table of the Portfolio and in the verdicts frame.
PERSON_COLUMNS = {"initiatives": ("owner",), "checkins": ("author",), "assessed": ("owner",)}
# Free text where people write about people: left blank when presenting.
FREE_TEXT_COLUMNS = {"initiatives": ("notes",), "checkins": ("note",)}
# The same, in any table a page shows: people become their team, free text is left out.
TABLE_PERSON_COLUMNS = ("owner", "author")
TABLE_FREE_TEXT_COLUMNS = ("notes", "note")
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
MENTION_COLUMNS = ("name", "reason", "reasons", "reverted_to", "tool", "area")


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


def known_names(values: Iterable[object]) -> Names | None:
    """What hides these people's names, or their parts, as whole words (None: no names).

    >>> known_names(["Zebulon Quartermaine"]).sub("#", "Ask Zebulon or Quartermaine")
    'Ask # or #'
    """
    words = frozenset(_names(values))
    return Names(words) if words else None


def hide_names(value: object, names: Names | None) -> object:
    """Text with people's names and email addresses hidden; lists element by element.

    >>> hide_names("Zebulon's bot", known_names(["Zebulon Quartermaine"]))
    "[name hidden]'s bot"
    """
    if isinstance(value, list | tuple):
        return [hide_names(v, names) for v in value]
    if not isinstance(value, str):
        return value
    text = EMAIL.sub(HIDDEN_NAME, value) if "@" in value else value
    return names.sub(HIDDEN_NAME, text) if names is not None else text


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
    names: Names | None,
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
            hidden = out[column].astype(object).map(lambda v: hide_names(v, names))
            out[column] = hidden if column == "reasons" else hidden.astype(out[column].dtype)
    return out


def _people_in(frame: pd.DataFrame, columns: Sequence[str]) -> list[object]:
    values: list[object] = []
    for column in columns:
        if column in frame.columns:
            values.extend(frame[column].dropna().astype(str).unique().tolist())
    return values


def redact_portfolio(portfolio: Portfolio) -> tuple[Portfolio, Names | None]:
    """The Portfolio with every person replaced by their team, and the names found.

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
    names = known_names(
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
            names=names,
        ),
        checkins=_redact_frame(
            ck,
            team=ck_team,
            people=ck_people,
            free_text=FREE_TEXT_COLUMNS["checkins"],
            names=names,
        ),
        daily_tools=_redact_frame(daily, team=None, people=daily_people, free_text=(), names=names),
    )
    return redacted, names


def redact_assessed(assessed: pd.DataFrame, names: Names | None) -> pd.DataFrame:
    """The verdicts frame with owners replaced by their team and names hidden in reasons."""
    team = assessed["team"] if "team" in assessed.columns else None
    people = person_columns(assessed.columns, known=PERSON_COLUMNS["assessed"])
    return _redact_frame(assessed, team=team, people=people, free_text=(), names=names)


def anonymize_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as shown while presenting: people as their team, free-text notes left out.

    >>> anonymize_table(pd.DataFrame({"team": ["Finance"], "owner": ["Dana"], "notes": ["x"]}))
          team         owner
    0  Finance  Finance team
    """
    out = frame.drop(columns=[c for c in TABLE_FREE_TEXT_COLUMNS if c in frame.columns])
    for column in TABLE_PERSON_COLUMNS:
        if column not in out.columns:
            continue
        if "team" in out.columns:
            out[column] = out["team"].astype("string") + TEAM_SUFFIX
        else:
            out = out.drop(columns=column)
    return out
