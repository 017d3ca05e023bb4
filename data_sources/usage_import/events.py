"""The generic usage event log: CSV, JSON lines or Parquet (CSV and JSON lines may be
gzipped), one event per row with a time, a user and an initiative id or a tool.

Columns are recognised by name (case, spaces and underscores ignored): the time from
`timestamp`, `time`, `date`, `event_time`, `created_at` (and `datetime`, `ts`,
`event_timestamp`), the user from `user`, `user_id`, `email`, `actor`, `login` (and
`user_email`, `username`, `user_login`, `upn`), the initiative from `initiative_id`
(`initiative`) or a `tool` (`app`, `application`, `product`).

Times: ISO 8601 text (with a zone, or read as UTC), dates, Parquet/JSON timestamps, or Unix
epoch numbers (seconds; milliseconds when larger than 10^11).
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from pathlib import Path

from data_sources.errors import BadUsageFile
from data_sources.usage_import.core import Part, duckdb_failure, ident, literal

TIME_NAMES = (
    "timestamp",
    "time",
    "date",
    "event_time",
    "created_at",
    "datetime",
    "ts",
    "event_timestamp",
)
USER_NAMES = (
    "user",
    "user_id",
    "email",
    "actor",
    "login",
    "user_email",
    "username",
    "user_login",
    "upn",
)
INITIATIVE_NAMES = ("initiative_id", "initiative")
TOOL_NAMES = ("tool", "app", "application", "product")

CSV, JSON, PARQUET = "csv", "json", "parquet"
SUFFIXES = {
    ".csv": CSV,
    ".tsv": CSV,
    ".txt": CSV,
    ".jsonl": JSON,
    ".ndjson": JSON,
    ".json": JSON,
    ".parquet": PARQUET,
    ".pq": PARQUET,
}
PARQUET_MAGIC = b"PAR1"
GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 4
EPOCH_MILLIS_ABOVE = 100_000_000_000  # 10^11 s is the year 5138: larger numbers are ms
_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _normal(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def kind_of(path: Path) -> str:
    """csv, json or parquet, from the name (a trailing .gz is looked through)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    kind = SUFFIXES.get(suffixes[-1] if suffixes else "")
    if kind is None:
        raise BadUsageFile(
            title=f"{path} is not a file type import-usage reads",
            what_to_do="Give a .csv, .jsonl (or .ndjson) or .parquet file, optionally "
            ".gz-compressed (not Parquet); nothing was written.",
        )
    return kind


def head(path: Path, size: int = SNIFF_BYTES) -> bytes:
    """The first bytes of a file, decompressed when it is gzip."""
    try:
        with path.open("rb") as raw:
            start = raw.read(size)
        if start[:2] == GZIP_MAGIC:
            with gzip.open(path, "rb") as unzipped:
                return unzipped.read(size)
        return start
    except FileNotFoundError:
        raise BadUsageFile(
            title=f"{path} does not exist", what_to_do="Check the path; nothing was written."
        ) from None
    except (OSError, EOFError) as exc:
        raise BadUsageFile(
            title=f"{path} cannot be opened ({getattr(exc, 'strerror', None) or exc})",
            what_to_do="Check the file; nothing was written.",
        ) from None


def check_bytes(path: Path, kind: str) -> None:
    """Fail early, with the file named, when its bytes are not what its name says."""
    start = head(path)
    if kind == PARQUET:
        with path.open("rb") as raw:
            first = raw.read(len(PARQUET_MAGIC))
            raw.seek(0, 2)
            size = raw.tell()
            raw.seek(max(0, size - len(PARQUET_MAGIC)))
            last = raw.read(len(PARQUET_MAGIC))
        if first != PARQUET_MAGIC or last != PARQUET_MAGIC:
            raise BadUsageFile(
                title=f"{path} is not a Parquet file (it does not start and end with PAR1)",
                what_to_do="Export it again as Parquet, or rename it to what it is (.csv, "
                ".jsonl) and import again; nothing was written.",
            )
        return
    if start[:2] in _UTF16_BOMS:
        raise BadUsageFile(
            title=f"{path} is UTF-16 text, not UTF-8",
            what_to_do="Save it as UTF-8 (in Excel: CSV UTF-8) and import it again; "
            "nothing was written.",
        )
    if not start.strip():
        raise BadUsageFile(title=f"{path} is empty", what_to_do="Check the export.")


def table_sql(path: Path, kind: str, *, text: bool = False) -> str:
    """The DuckDB table expression that reads the file. A CSV's column types are sniffed
    (typed timestamps are read several times faster than text cast row by row); `text`
    reads every CSV cell as text instead, to name a row that does not fit its column."""
    if kind == CSV:
        option = ", all_varchar = true" if text else ""
        return f"read_csv({literal(path)}, header = true{option})"
    if kind == JSON:
        return f"read_json({literal(path)}, format = 'newline_delimited')"
    return f"read_parquet({literal(path)})"


def columns(con, path: Path, source_sql: str) -> dict[str, str]:
    """Column name -> DuckDB type of a table expression."""
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source_sql}").fetchall()
    except Exception as error:  # duckdb.Error
        raise duckdb_failure(path, error) from None
    return {row[0]: str(row[1]) for row in described}


def _pick(found: dict[str, str], names: Sequence[str]) -> str | None:
    by_normal = {_normal(name): name for name in found}
    for candidate in names:
        if _normal(candidate) in by_normal:
            return by_normal[_normal(candidate)]
    return None


def time_sql(column: str, duck_type: str) -> tuple[str, str]:
    """(TIMESTAMPTZ expression, 'written but unreadable' expression) for a time column."""
    col = ident(column)
    base = duck_type.split("(")[0].upper()
    if base in _NUMERIC:
        number = f"CAST({col} AS DOUBLE)"
        expr = (
            f"CASE WHEN {number} > {EPOCH_MILLIS_ABOVE} THEN to_timestamp({number} / 1000) "
            f"ELSE to_timestamp({number}) END"
        )
        return expr, "false"
    if base.startswith("TIMESTAMP") or base == "DATE":
        return f"CAST({col} AS TIMESTAMPTZ)", "false"
    text = f"NULLIF(trim(CAST({col} AS VARCHAR)), '')"
    return f"TRY_CAST({text} AS TIMESTAMPTZ)", (
        f"({text} IS NOT NULL AND TRY_CAST({text} AS TIMESTAMPTZ) IS NULL)"
    )


def event_parts(con, paths: Sequence[Path], *, need_key: bool, text: bool = False) -> list[Part]:
    """Each file as a Part; BadUsageFile when a file or a needed column is missing."""
    parts = []
    for path in paths:
        kind = kind_of(path)
        check_bytes(path, kind)
        source_sql = table_sql(path, kind, text=text)
        found = columns(con, path, source_sql)
        have = ", ".join(found) or "none"
        time_col = _pick(found, TIME_NAMES)
        user_col = _pick(found, USER_NAMES)
        if time_col is None or user_col is None:
            missing = "time" if time_col is None else "user"
            names = TIME_NAMES if time_col is None else USER_NAMES
            raise BadUsageFile(
                title=f"{path} has no {missing} column (its columns: {have})",
                what_to_do=f"Name the {missing} column one of {', '.join(names)}, then import "
                "again; nothing was written.",
            )
        key_col = _pick(found, INITIATIVE_NAMES) or _pick(found, TOOL_NAMES)
        if need_key and key_col is None:
            raise BadUsageFile(
                title=f"{path} has no initiative_id or tool column (its columns: {have})",
                what_to_do="Add one, or say which initiative the file is about with "
                "--initiative ID; nothing was written.",
            )
        time_expr, bad_expr = time_sql(time_col, found[time_col])
        parts.append(
            Part(
                path=path,
                source_sql=source_sql,
                key=ident(key_col) if key_col else "NULL",
                time=time_expr,
                bad=bad_expr,
                user=ident(user_col),
                raw_time=ident(time_col),
                time_column=time_col,
            )
        )
    return parts
