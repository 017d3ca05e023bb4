"""portfolio.frames: membership and per-distinct helpers behave like their plain pandas forms."""

from __future__ import annotations

import pandas as pd
import pytest

from portfolio.frames import member, per_distinct
from portfolio.schema import normalize

IDS = ["AI-1", None, "AI-3", "AI-1", "AI-4"]


@pytest.mark.parametrize("dtype", ["str", "string", object])
@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ({"AI-1", "AI-4"}, [True, False, False, True, True]),
        (["AI-3"], [False, False, True, False, False]),
        ([], [False] * 5),
        (["AI-9"], [False] * 5),
    ],
)
def test_member_marks_wanted_values_and_never_a_missing_one(dtype, wanted, expected):
    assert member(pd.Series(IDS, dtype=dtype), wanted).tolist() == expected


def test_member_with_wanted_values_that_are_not_text_falls_back_to_pandas():
    values = pd.Series(["1", "2", None], dtype="str")
    assert member(values, [1, "2"]).tolist() == [False, True, False]
    assert member(pd.Series([1.0, 2.0, float("nan")]), [2]).tolist() == [False, True, False]


def test_per_distinct_calls_once_per_distinct_value_in_row_order():
    calls: list[object] = []

    def fold(value: object) -> str:
        calls.append(value)
        return "" if value is None else normalize(value)

    tools = pd.Series(["GitHub Copilot", "github-copilot", None, "GitHub Copilot", "Claude"])
    assert per_distinct(tools, fold).tolist() == [
        "githubcopilot",
        "githubcopilot",
        "",
        "githubcopilot",
        "claude",
    ]
    # three distinct spellings, plus the one call that stands for a missing value
    assert sorted(map(str, calls)) == ["Claude", "GitHub Copilot", "None", "github-copilot"]
