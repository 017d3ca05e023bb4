"""Sheet health's mapping section: the mapping in use, suggestions, their effect, rows to paste.

`show_mapping_panel(view)` draws, for a sheet that does not follow the template:

- where every Initiatives row went (rows in = rows shown + blank rows skipped);
- the mapping in use (the sheet's Mapping tab, `[groundtruth.mapping]`, this session's);
- suggested rows for unmatched headers and words (synonyms other sheets use, then difflib), in an
  editable table: untick a row or fix its `to`;
- the effect of the ticked rows (errors and problems before and after, columns gained);
- the rows to paste into a Mapping tab (TSV block and CSV/TSV downloads), and a button to
  use them for this session right away (an uploaded CSV has no Mapping tab);
- the empty template workbook.

When presenting, the suggestions are left out: they quote the sheet's own cells.

Sheet text (headers, words) is shown in tables and code blocks, never as markdown.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from data_sources.template import template_bytes
from portfolio import mapping, schema
from portfolio.parse import parse_workbook
from portfolio.suggestions import account, effect, missing_required, suggest_for
from ui import data, upload
from ui import format as fmt

KEY = "sheet_health_mapping"
DIGEST_CHARS = 12
_SUGGEST_STATE = "_groundtruth_mapping_suggestions"
_PREVIEW_STATE = "_groundtruth_mapping_preview"
HEADERS = mapping.HEADERS
EDITOR_COLUMNS = ["use", *HEADERS, "why"]


def _current_rows(view) -> list[dict[str, str]]:
    """Every mapping row in force, and where it is kept."""
    raw = view.loaded.raw
    out: list[dict[str, str]] = []
    tab = next((t for t in (raw.tabs if raw else {}) if schema.normalize(t) == "mapping"), None)
    if tab is not None:
        for row in mapping.read_mapping_rows(raw.tabs[tab], sheet_name=tab).rows():
            out.append({"where": f"{tab} tab", **row.as_dict()})
    configured = mapping.from_secrets(data.secrets())
    for row in configured.rows() if configured else []:
        out.append({"where": mapping.SECRETS_SOURCE, **row.as_dict()})
    for row in upload.session_mapping():
        out.append({"where": "this session", **row.as_dict()})
    return out


def _cached(state: str, key: str, compute):
    """One value per key in the session: a rerun with the same inputs does not parse again."""
    found = st.session_state.get(state)
    if found is not None and found[0] == key:
        return found[1]
    value = compute()
    st.session_state[state] = (key, value)
    return value


def _rows_from_editor(frame: pd.DataFrame) -> list[mapping.MappingRow]:
    rows = []
    for record in frame.to_dict("records"):
        if not record.get("use"):
            continue
        cells = ["" if pd.isna(record.get(h)) else str(record.get(h)).strip() for h in HEADERS]
        if cells[0] and cells[1]:
            rows.append(mapping.MappingRow(*cells))
    return rows


def _account(portfolio) -> None:
    count = account(portfolio)
    cols = st.columns(4)
    cols[0].metric("Rows under the header", fmt.integer(count.sheet_rows))
    cols[1].metric("Rows shown", fmt.integer(count.shown))
    cols[2].metric("Blank rows skipped", fmt.integer(count.blank))
    cols[3].metric(
        "Incomplete rows",
        fmt.integer(count.incomplete),
        help="Rows shown with a required field empty or unreadable",
    )
    if count.balanced:
        st.caption(
            f"Every row is accounted for: {fmt.integer(count.sheet_rows)} = "
            f"{fmt.integer(count.shown)} shown + {fmt.integer(count.blank)} blank. Rows with an "
            "empty or unreadable required field are shown too, and listed above cell by cell."
        )
    else:  # cannot happen by construction; say so loudly if it ever does
        st.error("The row count does not add up; please report this with the sheet's shape.")


def show_mapping_panel(view) -> None:
    """Draw the mapping section of Sheet health for `view` (a ui.view.View)."""
    portfolio = view.portfolio
    raw = view.loaded.raw
    st.header("Your own columns and words")
    st.caption(
        "A sheet that does not follow the template can be read through a mapping: its "
        "headers to the template's fields, its words to the template's, and a default for a "
        "required field it has no column for. Keep it in a Mapping tab (kind, field, from, to)."
    )
    if schema.INITIATIVES in portfolio.tabs_present:
        _account(portfolio)

    current = _current_rows(view)
    st.subheader("Mapping in use")
    if current:
        st.dataframe(
            pd.DataFrame(current, columns=["where", *HEADERS]),
            hide_index=True,
            width="stretch",
            key=f"{KEY}_current",
        )
    else:
        st.write("No mapping yet: headers are read by their template names and aliases.")

    if raw is None:
        return
    if view.present:
        # Suggestions quote the sheet's own words, and a cell can hold anyone's name.
        st.caption(
            "Suggested mapping rows quote the sheet's own cells, so they are not shown in "
            "presentation mode."
        )
        _template_download()
        return
    session_rows = upload.session_mapping()
    base = mapping.merge(
        mapping.from_secrets(data.secrets()) or mapping.ColumnMapping(),
        mapping.from_rows(session_rows) if session_rows else None,
    )
    digest = hashlib.sha256(repr((view.source_key, base.rows())).encode()).hexdigest()
    suggestions = _cached(
        _SUGGEST_STATE, digest[:DIGEST_CHARS], lambda: suggest_for(raw, current=base)
    )

    st.subheader("Suggested mapping")
    if not suggestions:
        st.write("Nothing to suggest: every header and word the sheet uses is understood.")
    else:
        st.caption(
            "Each row below would fix headers or words the sheet does not match yet. Untick "
            "a row to leave it out, or type the template word in **to** where it is blank. "
            "A default row gives every row the same value: check it is true of your sheet."
        )
        table = pd.DataFrame(
            [
                {"use": bool(r.kind != mapping.VALUE or r.target), **r.as_dict()} | {"why": r.why}
                for r in suggestions
            ],
            columns=EDITOR_COLUMNS,
        )
        edited = st.data_editor(
            table,
            hide_index=True,
            width="stretch",
            disabled=["kind", "field", "from", "why"],
            column_config={
                "use": st.column_config.CheckboxColumn("use", help="include this row"),
                "to": st.column_config.TextColumn("to", help="the template's word or value"),
            },
            key=f"{KEY}_editor",
        )
        chosen = _rows_from_editor(edited)
        _preview(view, raw, base, chosen)
        _paste_block(chosen)
        cols = st.columns(2)
        if cols[0].button(
            "Use these rows in this session",
            key=f"{KEY}_use",
            help="Every page reads the sheet through them for you, until you reload or stop",
            disabled=not chosen,
        ):
            upload.use_session_mapping([*session_rows, *chosen])
            st.rerun()
        if session_rows and cols[1].button("Stop using the session's rows", key=f"{KEY}_stop"):
            upload.use_session_mapping([])
            st.rerun()

    _template_download()


def _template_download() -> None:
    st.subheader("The template")
    st.download_button(
        "Download the empty template (.xlsx)",
        data=template_bytes,
        file_name="ground-truth-template.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{KEY}_template",
        on_click="ignore",
        icon=":material/download:",
        help="Every tab and header, with a drop-down list on each vocabulary column",
    )


def _preview(view, raw, base: mapping.ColumnMapping, chosen: list[mapping.MappingRow]) -> None:
    st.markdown("**With the ticked rows**")
    if not chosen:
        st.write("Tick at least one row to see its effect.")
        return
    trial = mapping.merge(base, mapping.from_rows(chosen))
    digest = hashlib.sha256(repr((view.source_key, trial.rows())).encode()).hexdigest()
    after = _cached(
        _PREVIEW_STATE, digest[:DIGEST_CHARS], lambda: parse_workbook(raw, mapping=trial)
    )
    change = effect(view.portfolio, after)
    cols = st.columns(3)
    cols[0].metric(
        "Errors",
        fmt.integer(change.errors_after),
        delta=change.errors_after - change.errors_before,
        delta_color="inverse",
    )
    cols[1].metric(
        "Problems",
        fmt.integer(change.problems_after),
        delta=change.problems_after - change.problems_before,
        delta_color="inverse",
    )
    cols[2].metric("Initiatives read", fmt.integer(len(after.initiatives)))
    if change.columns_gained:
        st.caption("Columns now read: " + ", ".join(change.columns_gained))
    if change.problems_after > change.problems_before:
        st.caption(
            "More problems can be progress: a column that is now read shows its empty and "
            "unreadable cells, cell by cell."
        )
    missing = missing_required(after)
    if missing:
        st.warning(
            "Still missing: " + "; ".join(fmt.plain(p.message) for p in missing),
            icon=":material/rule:",
        )


def _paste_block(chosen: list[mapping.MappingRow]) -> None:
    if not chosen:
        return
    st.markdown("**Rows to paste into a tab named Mapping** (cell A1; header row included)")
    tsv = mapping.rows_text(chosen)
    st.code(tsv, language=None)
    cols = st.columns(2)
    cols[0].download_button(
        "Download as CSV",
        data=mapping.rows_text(chosen, delimiter=","),
        file_name="Mapping.csv",
        mime="text/csv",
        key=f"{KEY}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    cols[1].download_button(
        "Download as TSV",
        data=tsv,
        file_name="Mapping.tsv",
        mime="text/tab-separated-values",
        key=f"{KEY}_tsv",
        on_click="ignore",
        icon=":material/download:",
    )
