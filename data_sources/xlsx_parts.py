"""What an .xlsx holds, read straight from its zip without openpyxl: the size its parts
declare once unpacked, which XML part holds each sheet, and how many rows a sheet lists
after a given row.

The files reader uses these when a tab passes a size limit (data_sources/limits.py): the
rows not read are counted by scanning the sheet's XML for `<row>` tags, which is some 50
times faster than parsing its cells, so a report of what was left out does not cost the
reading it saved.

>>> with zipfile.ZipFile("portfolio.xlsx") as archive:           # doctest: +SKIP
...     rows_after(archive, sheet_parts(archive)["Usage"], 400_002)
(600000, 1000001)
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree

ROOT_RELS = "_rels/.rels"
DEFAULT_WORKBOOK = "xl/workbook.xml"
OFFICE_DOCUMENT = "/officeDocument"
CHUNK_BYTES = 1024 * 1024
# A row tag's attributes are short; a longer unfinished tail is not a row tag.
MAX_TAIL_BYTES = 64 * 1024
# <row r="12" spans="1:5">, with or without a namespace prefix; <row .../> holds no cells.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br\s*=\s*["\'](\d+)["\']')


def unzipped_size(archive: zipfile.ZipFile) -> int:
    """The bytes the parts declare once unpacked (zipfile never unpacks more than that)."""
    return sum(info.file_size for info in archive.infolist())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _targets(archive: zipfile.ZipFile, rels_path: str, base: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part path) from a .rels part."""
    root = ElementTree.fromstring(archive.read(rels_path))
    found = {}
    for rel in root:
        target = rel.get("Target") or ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        found[rel.get("Id") or ""] = (rel.get("Type") or "", posixpath.normpath(path))
    return found


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title -> the zip part holding its cells, e.g. {"Usage": "xl/worksheets/sheet2.xml"}.

    Raises KeyError or ElementTree.ParseError for a workbook without these parts.
    """
    workbook = DEFAULT_WORKBOOK
    if ROOT_RELS in archive.namelist():
        for kind, path in _targets(archive, ROOT_RELS, "").values():
            if kind.endswith(OFFICE_DOCUMENT):
                workbook = path
    folder, name = posixpath.split(workbook)
    rels = _targets(archive, posixpath.join(folder, "_rels", f"{name}.rels"), folder)
    parts = {}
    for element in ElementTree.fromstring(archive.read(workbook)).iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        if rid in rels:
            parts[element.get("name") or ""] = rels[rid][1]
    return parts


def rows_after(archive: zipfile.ZipFile, part: str, first: int) -> tuple[int, int | None]:
    """How many rows with cells the sheet lists from row `first` (1-based) on, and the last.

    >>> import io
    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as out:
    ...     out.writestr("s.xml", '<sheetData><row r="1"><c/></row><row r="2"/>'
    ...                  '<row r="3" spans="1:1"><c/></row><row><c/></row></sheetData>')
    >>> rows_after(zipfile.ZipFile(buffer), "s.xml", 2)
    (2, 4)
    """
    count, last, number = 0, None, 0
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            data = tail + chunk
            cut = data.rfind(b"<")
            cut = len(data) if cut < 0 else cut
            for match in _ROW_TAG.finditer(data, 0, cut):
                attributes = match.group(1)
                given = _ROW_NUMBER.search(attributes)
                number = int(given.group(1)) if given else number + 1
                if number >= first and not attributes.rstrip().endswith(b"/"):
                    count, last = count + 1, number
            tail = data[cut:]
            if len(tail) > MAX_TAIL_BYTES:
                tail = b""
    return count, last
