"""Hiding people's names: one home for the app's presentation mode, the slide and the exports.

`redact_portfolio(portfolio)` returns the Portfolio with every person replaced by their team,
names hidden in other text and in the problems' quotes, and the `Names` it found;
`redact_assessed(assessed, names)` does the same to the verdicts, and
`presented_verdicts(portfolio, as_of=...)` is both, as the slide draws them.
`hide_names(text, names)` hides names and e-mail addresses inside any other text.
`presented_origin(origin, kind, names)` says where the data came from, fit for a shared
screen: a file by its name, not its server path (a home folder is named after a person).
`anonymize_table(frame)` is the last guard of a table shown or exported while presenting.
Pure pandas: nothing here imports Streamlit, so `cli.py slide` and the weekly digest use it
as the app does.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath

import pandas as pd

from portfolio.evidence import assess
from portfolio.model import FILE_KIND, USAGE_FROM, Portfolio, Problem

TEAM_SUFFIX = " team"
HIDDEN_PERSON = "a team member"  # a person whose team is not known
HIDDEN_NAME = "[name hidden]"  # a person's name found inside other text
HIDDEN_VALUE = "[hidden]"  # what a person-like cell held, in a problem's words
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
# Parts of a name shorter than this are hidden only within the whole name ("Li Na" is hidden,
# "Li" alone is not: short parts alone would eat words such as "AI" or "An").
MIN_NAME_PART = 3
# A name of one word is hidden alone from this length on ("Jo"; a stray "x" is not a name).
MIN_WHOLE_NAME = 2
# What may stand between the parts of a name in text: "Li Na", "Li-Na", "li.na", "Nair, Priya".
_NAME_GAP = re.compile(r"[\s.,'’_-]{1,3}")
# A quoted value in a problem's words: '"Dana W." is not a date'.
_QUOTED = re.compile(r'"[^"]*"')
# Columns of free text that may mention a person by name, scrubbed when presenting.
MENTION_COLUMNS = ("name", "label", "reason", "reasons", "reverted_to", "tool", "area")


def person_columns(columns: Iterable[str], *, known: Iterable[str] = ()) -> list[str]:
    """The columns that hold a person: the known ones, and unknown ones whose header says so.

    >>> person_columns(["id", "owner", "Sponsor", "Lead time"], known=["owner"])
    ['owner', 'Sponsor', 'Lead time']
    """
    known = set(known)
    return [str(c) for c in columns if c in known or PERSON_HEADER.search(str(c))]


@dataclass(frozen=True)
class Names:
    """People's names, found in text as whole words in any letter case.

    `words` are hidden wherever they stand: every part of a name of at least MIN_NAME_PART
    letters, and names of one word. `phrases` are the names with a shorter part, hidden
    only whole ("Li Na"), listed by their first word, longest first. All are case-folded.
    A set lookup per word rather than one regular expression of every name: with thousands
    of owners, an alternation of all of them is slow on every cell.
    """

    words: frozenset[str]
    phrases: Mapping[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    @cached_property
    def first_words(self) -> frozenset[str]:
        """Every word a name can start with (case-folded)."""
        return self.words | frozenset(self.phrases)

    def sub(self, replacement: str, text: str) -> str:
        """Text with every name replaced; a full name becomes one replacement.

        >>> names = known_names(["Zebulon Quartermaine", "Li Na"])
        >>> names.sub("#", "Ask ZEBULON Quartermaine or li-na about Lina's bot")
        "Ask # or # about Lina's bot"
        """
        # Words are found in the text as typed and folded one by one, as the names were.
        if self.first_words.isdisjoint(map(str.casefold, _WORD.findall(text))):
            return text  # the usual case, found without a Python call per word
        matches = list(_WORD.finditer(text))
        folded = [m.group().casefold() for m in matches]
        pieces, kept_from, i = [], 0, 0
        while i < len(matches):
            length = self._name_at(text, matches, folded, i)
            if length:
                pieces += [text[kept_from : matches[i].start()], replacement]
                kept_from = matches[i + length - 1].end()
            i += length or 1
        pieces.append(text[kept_from:])
        repeated = re.escape(replacement)
        return re.sub(rf"{repeated}(?:[\s-]+{repeated})+", replacement, "".join(pieces))

    def _name_at(self, text: str, matches: list[re.Match[str]], folded: list[str], i: int) -> int:
        """How many words from word `i` on are a name (0: none)."""
        for phrase in self.phrases.get(folded[i], ()):
            end = i + len(phrase)
            if tuple(folded[i:end]) == phrase and all(
                _NAME_GAP.fullmatch(text, matches[k - 1].end(), matches[k].start())
                for k in range(i + 1, end)
            ):
                return len(phrase)
        return 1 if folded[i] in self.words else 0


def known_names(values: Iterable[object]) -> Names | None:
    """What hides these people's names as whole words in any letter case (None: no names).

    An address is read by its local part ("li.na@corp.example" is Li Na).

    >>> known_names(["Zebulon Quartermaine"]).sub("#", "Ask zebulon or QUARTERMAINE")
    'Ask # or #'
    >>> known_names(["Li Na"]).sub("#", "Li Na bot, LI NA hub, Lightweight CLI, Li alone")
    '# bot, # hub, Lightweight CLI, Li alone'
    """
    words: set[str] = set()
    phrases: dict[str, set[tuple[str, ...]]] = {}
    for value in values:
        if not isinstance(value, str) or not value.strip():
            continue
        local = value.split("@")[0] if "@" in value else value
        parts = [word.casefold() for word in _WORD.findall(local)]
        if len(parts) == 1 and len(parts[0]) >= MIN_WHOLE_NAME:
            words.add(parts[0])
            continue
        words.update(part for part in parts if len(part) >= MIN_NAME_PART)
        if len(parts) > 1 and min(map(len, parts)) < MIN_NAME_PART:
            phrases.setdefault(parts[0], set()).add(tuple(parts))
    if not words and not phrases:
        return None
    longest_first = {
        first: tuple(sorted(found, key=len, reverse=True)) for first, found in phrases.items()
    }
    return Names(frozenset(words), longest_first)


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


def presented_origin(origin: str, kind: str, names: Names | None) -> str:
    """Where the data came from, for a shared screen: a file or folder by its name only (a
    server path can carry the name of the person whose home folder it is), usage read from
    SQL without its address (a file path, a user name), and people's names hidden.

    >>> presented_origin("/home/maria.garcia/Downloads/AI initiatives.xlsx", "file", None)
    'AI initiatives.xlsx'
    >>> presented_origin("/srv/a; b/AI.xlsx; usage from duckdb:////home/li/u.duckdb", "file", None)
    'AI.xlsx; usage from SQL'
    >>> presented_origin("Google Sheet Zeb's AI/ML log", "gsheets", known_names(["Zeb Q"]))
    "Google Sheet [name hidden]'s AI/ML log"
    """
    source, usage_from, _address = origin.rpartition(USAGE_FROM)
    if not usage_from:
        source = origin
    if kind == FILE_KIND:
        source = PurePath(source).name or source
    return str(hide_names(f"{source}{USAGE_FROM}SQL" if usage_from else source, names))


def _mentions_anyone(text: str, names: Names | None) -> bool:
    """Whether the text may hold an address or a name: one pass over a whole column."""
    if "@" in text:
        return True
    return names is not None and not names.first_words.isdisjoint(
        map(str.casefold, _WORD.findall(text))
    )


def _hide_in_column(series: pd.Series, names: Names | None) -> pd.Series:
    """A text column with names hidden: untouched when no cell names anyone (one pass over
    its distinct texts), else each distinct text looked at once."""
    if series.dtype != object and not isinstance(series.dtype, pd.StringDtype):
        return series
    cells = series.dropna().astype(object)
    lists = cells.map(lambda v: isinstance(v, list | tuple))
    texts = {t for v in cells[lists] for t in v if isinstance(t, str)}
    texts.update(t for t in cells[~lists].unique() if isinstance(t, str))
    if not _mentions_anyone("\n".join(texts), names):
        return series
    hidden = {t: hide_names(t, names) for t in texts}
    changed = {t: h for t, h in hidden.items() if h != t}
    if lists.any():  # the reasons of a verdict: a list of sentences per cell
        return series.astype(object).map(
            lambda v: [changed.get(t, t) for t in v] if isinstance(v, list | tuple) else v
        )
    return series.astype(object).map(lambda v: changed.get(v, v)).astype(series.dtype)


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
            out[column] = _hide_in_column(out[column], names)
    return out


def _people_in(frame: pd.DataFrame, columns: Sequence[str]) -> list[object]:
    values: list[object] = []
    for column in columns:
        if column in frame.columns:
            values.extend(frame[column].dropna().astype(str).unique().tolist())
    return values


def _is_person_like(column: str | None) -> bool:
    if column is None:
        return False
    known = {*TABLE_PERSON_COLUMNS, *TABLE_FREE_TEXT_COLUMNS}
    return column in known or bool(PERSON_HEADER.search(column))


def _unquoted(message: str, raw: object) -> str:
    """A problem's words without the value it quotes."""
    # Problems quote a cell in double quotes: the whole cell first (it may hold a quote
    # itself), then whatever else is quoted (a long cell is quoted cut short).
    if raw is not None and str(raw):
        message = message.replace(f'"{raw}"', f'"{HIDDEN_VALUE}"')
    return _QUOTED.sub(f'"{HIDDEN_VALUE}"', message)


def redact_problems(problems: Iterable[Problem], names: Names | None) -> list[Problem]:
    """Problems as Sheet health shows them when presenting: quoting no person.

    A problem in a person-like column (owner, author, notes, a "Sponsor" the contract does
    not know) quotes nothing of its cell; any other quotes its cell with names hidden.

    >>> p = Problem("Initiatives", "Initiatives!K4", "last_update", "ask Li Na",
    ...             '"ask Li Na" is not a date', fix="Type a date")
    >>> [(q.raw, q.message) for q in redact_problems([p], known_names(["Li Na"]))]
    [('ask [name hidden]', '"ask [name hidden]" is not a date')]
    """
    out = []
    for problem in problems:
        message, raw = problem.message, problem.raw
        if _is_person_like(problem.column):
            message, raw = _unquoted(message, raw), None
        out.append(
            dataclasses.replace(
                problem,
                cell=str(hide_names(problem.cell, names)),
                raw=hide_names(raw, names),
                message=str(hide_names(message, names)),
                fix=str(hide_names(problem.fix, names)),
            )
        )
    return out


def people_names(portfolio: Portfolio) -> Names | None:
    """Every person the workbook names: owners, check-in authors and the person-like columns
    of Initiatives, CheckIns and DailyTools (what `redact_portfolio` hides)."""
    ini, ck, daily = portfolio.initiatives, portfolio.checkins, portfolio.daily_tools
    return known_names(
        _people_in(ini, person_columns(ini.columns, known=PERSON_COLUMNS["initiatives"]))
        + _people_in(ck, person_columns(ck.columns, known=PERSON_COLUMNS["checkins"]))
        + _people_in(daily, person_columns(daily.columns))
    )


def redact_portfolio(portfolio: Portfolio) -> tuple[Portfolio, Names | None]:
    """The Portfolio with every person replaced by their team, and the names found.

    Owners become "<team> team"; a check-in's author becomes the team of its initiative;
    notes are blanked; unknown columns whose header names a person ("Sponsor", "Contact
    email") are treated like owners; a name or email found in an initiative's name,
    `reverted_to`, tool or area, or in a problem, is replaced by "[name hidden]", in any
    letter case; a problem in a person-like column quotes nothing of its cell. The original
    is not changed (it is shared by every viewer through the cache).
    """
    ini = portfolio.initiatives
    ini_people = person_columns(ini.columns, known=PERSON_COLUMNS["initiatives"])
    ck = portfolio.checkins
    ck_people = person_columns(ck.columns, known=PERSON_COLUMNS["checkins"])
    daily = portfolio.daily_tools
    daily_people = person_columns(daily.columns)
    names = people_names(portfolio)
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
        problems=redact_problems(portfolio.problems, names),
        origin=presented_origin(portfolio.origin, portfolio.kind, names),
    )
    return redacted, names


def redact_assessed(assessed: pd.DataFrame, names: Names | None) -> pd.DataFrame:
    """The verdicts frame with owners replaced by their team and names hidden in reasons."""
    team = assessed["team"] if "team" in assessed.columns else None
    people = person_columns(assessed.columns, known=PERSON_COLUMNS["assessed"])
    return _redact_frame(assessed, team=team, people=people, free_text=(), names=names)


def presented_verdicts(portfolio: Portfolio, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """The verdicts as of `as_of` with no person's name in them: what the slide draws.

    As the app does when presenting: the verdicts of the sheet as it is, then people replaced
    by their team and names hidden in every other text.
    """
    _, names = redact_portfolio(portfolio)
    return redact_assessed(assess(portfolio, as_of=as_of), names)


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
