"""How an initiative is named on screen: its name, else its id, else its sheet row.

People leave names blank (or a whole name column unreadable) and real inventories repeat
names and ids. `evidence.assess` calls `initiative_labels` once per assessment, so every page,
chart, picker, export, the slide and the CLI show the same words:

- `name`: what the row says; when blank, its id; when both are blank, its sheet row
  ("row 7"). The row's own text stays in `row_name` (missing when blank).
- `label`: `name`, told apart where several initiatives share it — by the id
  ("Invoice bot (AI-3)"), or by the sheet row where the id does not tell them apart
  ("Invoice bot (row 9)"). Unique, for a chart's axis and a picker's options.

Both are computed on every row of Initiatives, so they do not change with the as-of date.

>>> frame = pd.DataFrame({"id": ["AI-1", None, None, "AI-4"], "name": ["Bot", "Bot", None, None],
...                       "_row": [2, 3, 4, 5]})
>>> shown, label = initiative_labels(frame)
>>> shown.tolist(), label.tolist()
(['Bot', 'Bot', 'row 4', 'AI-4'], ['Bot (AI-1)', 'Bot (row 3)', 'row 4', 'AI-4'])
"""

from __future__ import annotations

import pandas as pd

ROW = "row"
# For a frame without sheet rows (built in code, not read from a sheet).
NO_ROW = "no name, no id"


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text, blank -> <NA>; all missing when the frame lacks it."""
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    text = frame[column].astype("string").str.strip()
    return text.mask(text == "")


def initiative_labels(initiatives: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(name to show, unique label) for each row of an Initiatives frame, as `string` Series.

    See the module docstring; `initiatives` has `id`, `name` and `_row` (the sheet row).
    """
    ids = _text(initiatives, "id")
    rows = _text(initiatives, "_row")
    row_text = (ROW + " " + rows).fillna(NO_ROW)
    shown = _text(initiatives, "name").fillna(ids).fillna(row_text).astype("string")

    repeated = shown.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return shown, shown.copy()
    # An id tells repeats apart unless it is blank, is the name itself, or repeats too.
    by_id = (shown + " (" + ids + ")").mask(ids == shown)
    by_id = by_id.where(~by_id.duplicated(keep=False))
    by_row = shown + " (" + row_text + ")"
    label = shown.where(~repeated, by_id.fillna(by_row))
    # A label that still collides (a name that reads like another's label): number them.
    clash = label.duplicated(keep=False).to_numpy()
    if clash.any():
        count = label.groupby(label, sort=False).cumcount() + 1
        label = label.where(~clash, label + " #" + count.astype("string"))
    return shown, label.astype("string")
