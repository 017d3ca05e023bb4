"""The weekly digest's content: what teams read in a minute, as data (no text, no Streamlit).

`weekly_digest(portfolio, as_of=…)` compares the portfolio now with the last week recorded
in StatusHistory before the week of `as_of` (`previous_week`) and returns a `Digest`:

- the watermelons now (`metrics.watermelons`), each marked `new` when it was not a
  watermelon in the recorded week (the first digest, with no earlier week, marks them all);
- what changed since that week: initiatives whose verdict became stalled, reverted,
  abandoned or adopted (grassroots first among the adopted: the edges);
- the theater gap and the spend not adopted, now and in that week (`metrics.theater_gap`,
  `metrics.spend_not_adopted`);
- per team its stale rows (`metrics.is_stale`, teams in `metrics.stale_by_team`'s order),
  each with a link that opens the Check in page on that initiative.

Every figure comes from `portfolio.metrics` on the whole portfolio as of `as_of`, so it is
the figure the app shows unfiltered for the same date. The recorded week is read as Trends
reads it: its recorded statuses and stages put back (`history.as_recorded`) and its
verdicts recomputed with today's thresholds, on the same weekday of that week, so a
threshold change never shows up as a change of the initiatives. Only the initiatives
recorded that week count for it; one added to the sheet since is new.

Without `names`, people are out (`portfolio.redact`): no owner is listed, and a person's
name inside an initiative's name or a reason reads "[name hidden]".

>>> d = weekly_digest(portfolio, as_of=pd.Timestamp("2026-03-25"))  # doctest: +SKIP
>>> [(w.id, w.new) for w in d.watermelons]                          # doctest: +SKIP
[('AI-3', True), ('AI-1', False)]
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from urllib.parse import urlencode

import pandas as pd

from portfolio import history, metrics, schema
from portfolio.evidence import assess
from portfolio.model import Portfolio
from portfolio.redact import Names, hide_names, people_names
from portfolio.settings import thresholds

# The Check in page and the URL parameter it opens an initiative's form with (pages/check_in.py).
CHECK_IN_PAGE = "check_in"
CHECK_IN_PARAM = "initiative"
# Verdicts a change is reported into, in the order the digest lists them.
STALLED, REVERTED = schema.Verdict.STALLED, schema.Verdict.REVERTED
ABANDONED, ADOPTED = schema.Verdict.ABANDONED, schema.Verdict.ADOPTED
GRASSROOTS = schema.Origin.GRASSROOTS
CHANGE_ORDER = (STALLED, REVERTED, ABANDONED, ADOPTED)
# Lines per list before "and N more": the digest is read in a minute.
MAX_LISTED = 10


@dataclass(frozen=True)
class Item:
    """One initiative as a digest lists it. `owner` is None unless names are on; `new` marks
    a watermelon that was not one in the recorded week; `link` opens its check-in form."""

    id: str
    name: str
    team: str
    verdict: str
    reason: str
    evidence: str
    origin: str | None = None
    annual_cost: float = math.nan
    days_quiet: float = math.nan
    owner: str | None = None
    new: bool = False
    link: str | None = None


@dataclass(frozen=True)
class TeamStale:
    """A team's stale rows (no sign of life for over stale_after_days)."""

    team: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Previous:
    """The last recorded week: its Monday, the date it is assessed at, and its verdicts
    (the recorded initiatives only)."""

    week: pd.Timestamp
    as_of: pd.Timestamp
    assessed: pd.DataFrame


@dataclass(frozen=True)
class Digest:
    """What the week's digest says; `previous_week` is None for the first digest.

    `changes` maps each verdict of CHANGE_ORDER to the initiatives that moved into it since
    the previous week (empty when there is none); `*_then` are None without one.
    """

    as_of: pd.Timestamp
    week: pd.Timestamp
    previous_week: pd.Timestamp | None
    watermelons: tuple[Item, ...]
    changes: dict[str, tuple[Item, ...]]
    gap_now: metrics.TheaterGap
    gap_then: metrics.TheaterGap | None
    spend_now: float
    spend_then: float | None
    stale: tuple[TeamStale, ...]
    stale_after_days: int
    names: bool
    has_cost: bool = True
    links: bool = False

    @property
    def new_watermelons(self) -> int:
        return sum(item.new for item in self.watermelons)

    @property
    def stale_rows(self) -> int:
        return sum(len(team.items) for team in self.stale)

    @property
    def changed(self) -> int:
        return sum(len(items) for items in self.changes.values())


def check_in_link(public_url: str | None, initiative_id: str) -> str | None:
    """The Check in page opened on one initiative, on the app's public address.

    >>> check_in_link("https://gt.acme.com/", "AI 7")
    'https://gt.acme.com/check_in?initiative=AI+7'
    """
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/{CHECK_IN_PAGE}?{urlencode({CHECK_IN_PARAM: initiative_id})}"


def previous_week(portfolio: Portfolio, *, as_of: object) -> Previous | None:
    """The last week recorded before the week of `as_of`, assessed as Trends reads it.

    It is assessed on the same weekday of that week as `as_of` (a digest sent every
    Wednesday compares Wednesday with Wednesday). None when no earlier week is recorded.
    """
    as_of = pd.Timestamp(as_of).normalize()
    week = history.last_recorded_week(portfolio.history, before=as_of)
    if week is None:
        return None
    recorded = history.as_recorded(portfolio, week)
    then = week + (as_of - history.monday(as_of))
    assessed = assess(recorded.portfolio, as_of=then)
    mine = assessed["id"].astype("string").isin(recorded.ids).fillna(False).to_numpy(dtype=bool)
    return Previous(week, then, assessed[mine])


def weekly_digest(
    portfolio: Portfolio,
    *,
    as_of: object | None = None,
    public_url: str | None = None,
    names: bool = False,
    assessed: pd.DataFrame | None = None,
) -> Digest:
    """The digest for the week of `as_of` (default: the workbook's as-of date).

    `assessed`, when given, is `assess(portfolio, as_of=as_of)` already computed.
    """
    as_of = (portfolio.as_of if as_of is None else pd.Timestamp(as_of)).normalize()
    now = assess(portfolio, as_of=as_of) if assessed is None else assessed
    before = previous_week(portfolio, as_of=as_of)
    then = before.assessed if before is not None else None
    return build_digest(
        now,
        then,
        as_of=as_of,
        previous=before.week if before is not None else None,
        stale_after_days=thresholds(portfolio.settings).stale_after_days,
        public_url=public_url,
        names=names,
        people=None if names else people_names(portfolio),
        has_cost=portfolio.has(schema.INITIATIVES, "annual_cost"),
    )


def build_digest(
    now: pd.DataFrame,
    then: pd.DataFrame | None,
    *,
    as_of: pd.Timestamp,
    previous: pd.Timestamp | None,
    stale_after_days: int,
    public_url: str | None = None,
    names: bool = False,
    people: Names | None = None,
    has_cost: bool = True,
) -> Digest:
    """The digest from the verdicts now and those of the previous recorded week (or None).

    Both frames are `assess` results; an initiative is matched across them by id (the first
    row of a repeated id). With `names` off no owner is listed, and `people` (the workbook's
    `redact.people_names`) and e-mail addresses are hidden in every name and reason listed,
    as `redact.redact_assessed` hides them: only the rows listed are looked at.
    """
    then_by_id = _first_by_id(then) if then is not None else None
    now_first = _first_by_id(now)

    melons_then: set[str] = set()
    if then_by_id is not None:
        melons_then = set(then_by_id.index[then_by_id["watermelon"].fillna(False).astype(bool)])
    listed = metrics.watermelons(now)
    ids = listed["id"].astype("string")
    for column in ("origin", "days_since_activity"):  # beside what metrics.watermelons lists
        listed[column] = ids.map(now_first[column].astype(object)).to_numpy(dtype=object)
    melons = [
        _with(item, new=then_by_id is None or item.id not in melons_then)
        for item in _items(listed, names=names, people=people)
    ]

    changes: dict[str, tuple[Item, ...]] = {verdict: () for verdict in CHANGE_ORDER}
    if then_by_id is not None:
        before = then_by_id["verdict"].astype(object)
        for verdict in CHANGE_ORDER:
            moved = now_first[(now_first["verdict"] == verdict).fillna(False).to_numpy(bool)]
            was = before.reindex(moved.index).to_numpy(dtype=object) == verdict
            moved = moved[~was]
            changes[verdict] = tuple(_ordered(moved, verdict, names=names, people=people))

    stale_rows = now[metrics.is_stale(now, stale_after_days)]
    teams = metrics.stale_by_team(now, stale_after_days=stale_after_days)["team"].tolist()
    team_of = stale_rows["team"].astype(object)
    team_of = team_of.where(stale_rows["team"].notna(), metrics.NOT_STATED)
    stale: list[TeamStale] = []
    for team in teams:
        rows = stale_rows[(team_of == team).to_numpy(dtype=bool)]
        rows = rows.sort_values(["name", "id"], kind="stable", na_position="last")
        items = [
            _with(item, link=check_in_link(public_url, item.id))
            for item in _items(rows, names=names, people=people)
        ]
        stale.append(TeamStale(str(team), tuple(items)))

    return Digest(
        as_of=pd.Timestamp(as_of),
        week=history.monday(as_of),
        previous_week=previous,
        watermelons=tuple(melons),
        changes=changes,
        gap_now=metrics.theater_gap(now),
        gap_then=metrics.theater_gap(then) if then is not None else None,
        spend_now=metrics.spend_not_adopted(now),
        spend_then=metrics.spend_not_adopted(then) if then is not None else None,
        stale=tuple(stale),
        stale_after_days=stale_after_days,
        names=names,
        has_cost=has_cost,
        links=bool(public_url),
    )


def _first_by_id(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[frame["id"].notna().to_numpy(dtype=bool)].drop_duplicates("id", keep="first")
    return rows.set_index(pd.Index(rows["id"].astype(str).to_numpy()))


def _ordered(rows: pd.DataFrame, verdict: str, *, names: bool, people: Names | None) -> list[Item]:
    """Changed initiatives by team and name; among the adopted, grassroots first."""
    keyed = rows.assign(
        _edge=(rows["origin"] != GRASSROOTS).fillna(True).astype(bool)
        if verdict == ADOPTED
        else False
    )
    keyed = keyed.sort_values(["_edge", "team", "name", "id"], kind="stable", na_position="last")
    return _items(keyed, names=names, people=people)


def _texts(frame: pd.DataFrame, column: str) -> list[str]:
    """A column as text per row ("" for a blank cell or a missing column)."""
    if column not in frame:
        return [""] * len(frame)
    values = frame[column].astype(object).to_numpy()
    return ["" if v is None or v is pd.NA or v != v else str(v) for v in values]


def _numbers(frame: pd.DataFrame, column: str) -> list[float]:
    if column not in frame:
        return [math.nan] * len(frame)
    return pd.to_numeric(frame[column], errors="coerce").astype(float).tolist()


def _items(frame: pd.DataFrame, *, names: bool, people: Names | None = None) -> list[Item]:
    """One Item per row of an `assess`-like frame, column by column (no per-row pandas)."""
    text = {c: _texts(frame, c) for c in ("id", "name", "team", "verdict", "reason")}
    more = {c: _texts(frame, c) for c in ("evidence", "origin", "owner")}
    cost, quiet = _numbers(frame, "annual_cost"), _numbers(frame, "days_since_activity")
    hide = (lambda t: t) if names else (lambda t: str(hide_names(t, people)))
    return [
        Item(
            id=text["id"][i],
            name=hide(text["name"][i]),
            team=text["team"][i] or metrics.NOT_STATED,
            verdict=text["verdict"][i],
            reason=hide(text["reason"][i]),
            evidence=more["evidence"][i],
            origin=more["origin"][i] or None,
            annual_cost=cost[i],
            days_quiet=quiet[i],
            owner=(more["owner"][i] or None) if names else None,
        )
        for i in range(len(frame))
    ]


def _with(item: Item, **changes: object) -> Item:
    return dataclasses.replace(item, **changes)  # type: ignore[arg-type]
