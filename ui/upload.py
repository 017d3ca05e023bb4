"""Try it with your own file: the sidebar uploader, and the session's own copy of the data.

An uploaded .xlsx or .csv export replaces the configured source for this browser session
only. Its bytes are read in memory (`data_sources.files.read_upload`), held in
`st.session_state` and never written to disk, never snapshotted and never put in a cache
that other sessions share. A file over MAX_UPLOAD_MB is refused before it is read, and a
tab over the upload's cell limit is read in part, with a warning here that says what was
left out (`data_sources.limits`). A mapping chosen on Sheet health for this session
(`use_session_mapping`) is applied the same way, to the upload or to the shared sheet.

`shell.build_view` calls `session_source(spec)` before loading and `uploader()` in the
sidebar:

>>> found = session_source(spec)  # None: use the shared load  # doctest: +SKIP
>>> loaded, key = found                              # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_sources.config import SourceSpec
from data_sources.errors import SourceError
from data_sources.files import read_upload, too_large
from data_sources.limits import MAX_UPLOAD_CELLS_PER_TAB, MAX_UPLOAD_MB
from data_sources.loader import LoadResult
from portfolio import mapping
from portfolio.evidence import assess
from portfolio.model import RawWorkbook
from ui import data
from ui import format as fmt

UPLOAD_KEY = "sidebar_upload"
UPLOAD_STATE = "_groundtruth_upload"
MAPPING_STATE = "_groundtruth_session_mapping"
_CACHE_STATE = "_groundtruth_session_cache"
UPLOAD_TYPES = ["xlsx", "xlsm", "csv"]
SESSION_PREFIX = "session:"
DIGEST_CHARS = 12


@dataclass(frozen=True)
class UploadedWorkbook:
    """A file uploaded in this session: its name, a digest of its bytes, and its cells."""

    name: str
    digest: str
    raw: RawWorkbook


def current_upload() -> UploadedWorkbook | None:
    """The workbook uploaded in this session, if any."""
    found = st.session_state.get(UPLOAD_STATE)
    return found if isinstance(found, UploadedWorkbook) else None


def session_mapping() -> tuple[mapping.MappingRow, ...]:
    """The mapping rows chosen on Sheet health for this session (empty: none)."""
    return tuple(st.session_state.get(MAPPING_STATE) or ())


def use_session_mapping(rows: list[mapping.MappingRow] | tuple[mapping.MappingRow, ...]) -> None:
    """Apply these mapping rows for this session only (an empty list stops it)."""
    if rows:
        st.session_state[MAPPING_STATE] = tuple(rows)
    else:
        st.session_state.pop(MAPPING_STATE, None)


def _on_upload() -> None:
    """Read the file the moment it arrives; a bad file says why and keeps the previous data."""
    file = st.session_state.get(UPLOAD_KEY)
    if file is None:
        st.session_state.pop(UPLOAD_STATE, None)
        st.session_state.pop(MAPPING_STATE, None)
        return
    try:
        # Streamlit's server refuses bodies over server.maxUploadSize; this holds the same
        # limit for any path around it, before the bytes are read.
        too_big = too_large(file.name, file.size)
        if too_big is not None:
            raise too_big
        data_bytes = file.getvalue()
        raw = read_upload(file.name, data_bytes)
    except SourceError as error:
        st.session_state[UPLOAD_STATE] = None
        st.session_state["_groundtruth_upload_error"] = error.message
        return
    st.session_state.pop("_groundtruth_upload_error", None)
    # A new file has its own headers: the previous file's session mapping does not apply.
    st.session_state.pop(MAPPING_STATE, None)
    digest = hashlib.sha256(data_bytes).hexdigest()[:DIGEST_CHARS]
    st.session_state[UPLOAD_STATE] = UploadedWorkbook(file.name, digest, raw)


def uploader() -> None:
    """The sidebar's "Try your own file" box (call inside `with st.sidebar`)."""
    upload = current_upload()
    with st.expander("Try your own file", expanded=upload is not None):
        st.file_uploader(
            "An .xlsx workbook or a CSV export of your list of AI initiatives",
            type=UPLOAD_TYPES,
            key=UPLOAD_KEY,
            on_change=_on_upload,
            max_upload_size=MAX_UPLOAD_MB,
            help=(
                "Any column names: Sheet health suggests a mapping to the template. "
                f"At most {MAX_UPLOAD_MB} MB and {MAX_UPLOAD_CELLS_PER_TAB:,} cells per tab."
            ),
        )
        error = st.session_state.get("_groundtruth_upload_error")
        if error:
            st.error(fmt.plain(error), icon=":material/error:")  # quotes the file's name
        for problem in upload.raw.problems if upload is not None else ():
            st.warning(fmt.plain(f"{problem.message} {problem.fix}."), icon=":material/warning:")
        st.caption(
            "Held in this browser session only, never saved on the server. Remove the file "
            "to go back to the shared sheet."
        )


def session_source(spec: SourceSpec) -> tuple[data.Loaded, str] | None:
    """This session's own Loaded (an upload, or a session mapping) and its key; None when the
    session sees the shared load unchanged."""
    upload = current_upload()
    rows = session_mapping()
    if upload is None and not rows:
        return None
    if upload is not None:
        raw, origin_key = upload.raw, f"upload:{upload.digest}"
    else:
        shared = data.load(spec)
        if shared.raw is None:
            return None
        raw, origin_key = shared.raw, data.spec_key(spec)
    rows_key = hashlib.sha256(repr(rows).encode()).hexdigest()[:DIGEST_CHARS]
    key = f"{SESSION_PREFIX}{origin_key}:{raw.fetched_at.isoformat()}:{rows_key}"
    cache = st.session_state.get(_CACHE_STATE)
    if cache is not None and cache["key"] == key:
        return cache["loaded"], key
    started = time.perf_counter()
    extra = mapping.from_rows(rows) if rows else None
    portfolio = data.parse(raw, extra=extra)
    loaded = data.Loaded(
        result=LoadResult(raw=raw), portfolio=portfolio, seconds=time.perf_counter() - started
    )
    st.session_state[_CACHE_STATE] = {"key": key, "loaded": loaded, "assessed": {}}
    return loaded, key


def assessed(loaded: data.Loaded, key: str, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """Verdicts for the session's own data, kept in the session (never in a shared cache)."""
    if not key.startswith(SESSION_PREFIX):
        return data.assessed(loaded, key, as_of=as_of)
    cache = st.session_state.get(_CACHE_STATE) or {"key": None, "assessed": {}}
    day = pd.Timestamp(as_of).normalize()
    if cache.get("key") == key and day in cache["assessed"]:
        return cache["assessed"][day]
    assert loaded.portfolio is not None
    frame = assess(loaded.portfolio, as_of=day)
    if cache.get("key") == key:
        # A few dates at most: the as-of picker moves one at a time.
        if len(cache["assessed"]) >= data.AS_OF_CACHE_ENTRIES:
            cache["assessed"].clear()
        cache["assessed"][day] = frame
    return frame
