"""Charts as images without a browser, drawn where a crash cannot take the caller down.

Every spec that leaves for the browser or for vl-convert goes through `strict()`: NaN and
Infinity become null, so `json.dumps(..., allow_nan=False)` always succeeds and the browser's
JSON.parse never meets `NaN`; U+2028/U+2029 become spaces, which Vega's expression parser
(a sort order becomes an expression) cannot read. Every image the app and the CLI make (a
chart's Download PNG, the slide) goes through `vegalite_to_png`, `vegalite_to_svg` or
`svg_to_png` here, which also clean every text for XML: vl-convert draws text as SVG and
panics on a character XML 1.0 cannot hold (a vertical tab pasted into a name), and a panic
there aborts the whole process. A chart that vl-convert refuses because Vega cut an emoji in
half while shortening a long label is drawn again with the characters beyond U+FFFF replaced.

So the drawing happens in a worker process (ui/render_worker.py): one at a time, within
RENDER_TIMEOUT_S seconds and RENDER_MEMORY_MB of memory (GROUNDTRUTH_RENDER_TIMEOUT_S and
GROUNDTRUTH_RENDER_MEMORY_MB change them). A worker that dies or overruns is stopped and
replaced, and the caller gets a `RenderError` that says what happened; the server and the
CLI carry on. The worker is kept between images (its first image takes about a second to
start vl-convert's engine, later ones tens of milliseconds) and renewed every
JOBS_PER_WORKER images. Nothing here imports Streamlit.

>>> png = vegalite_to_png({"mark": "bar", "data": {"values": [{"a": "x\\x0by"}]}})  # doctest: +SKIP
>>> png[:8] == PNG_SIGNATURE                                                       # doctest: +SKIP
True
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import math
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from portfolio.text import xml_text
from ui.render_worker import ANSWER, HEADER, OK

RENDER_TIMEOUT_S = 30.0  # one image; a slide takes about a second
RENDER_MEMORY_MB = 1024  # the worker's data segment; vl-convert's engine needs ~700 MB of it
TIMEOUT_ENV = "GROUNDTRUTH_RENDER_TIMEOUT_S"
MEMORY_ENV = "GROUNDTRUTH_RENDER_MEMORY_MB"
QUEUE_WAIT_S = 60.0  # how long a request waits for the images before it in line
JOBS_PER_WORKER = 200  # a fresh worker after this many images, so its memory never creeps
STDERR_TAIL_BYTES = 16_384  # of the worker's last words, read when it dies
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WORKER_SCRIPT = Path(__file__).with_name("render_worker.py")
_READ_CHUNK = 65_536
_STOP_WAIT_S = 5.0

_LOG = logging.getLogger(__name__)

# How vl-convert refuses half of a character beyond U+FFFF: Vega cuts a long label one UTF-16
# unit at a time to fit its labelLimit, and the half reaches vl-convert's text measure.
_HALF_CHARACTER = "Failed to deserialize text info"
_VEGA_SIGNAL_WORDS = frozenset({"if"})  # texts Vega misreads as an expression


class RenderError(Exception):
    """An image could not be drawn; the message says why and what to do."""


def _vega_text(text: str) -> str:
    # Vega-Lite compiles an explicit sort order into an expression, and Vega's expression
    # parser refuses U+2028 and U+2029 inside a string ("Unexpected token ILLEGAL").
    if "\u2028" in text or "\u2029" in text:
        return text.replace("\u2028", " ").replace("\u2029", " ")
    if text in _VEGA_SIGNAL_WORDS:
        # A title or sort value that is exactly "if" is read as a signal name and refused
        # ("Unrecognized signal name"); a trailing no-break space reads the same on screen.
        return text + "\u00a0"
    return text


def strict(value: Any, *, xml: bool = False, astral: bool = True) -> Any:
    """A copy of a Vega-Lite spec that is strict JSON and that Vega can parse: NaN and
    ±Infinity become null, the line and paragraph separators U+2028/U+2029 spaces.

    With `xml`, every text (keys too, so a field keeps matching its data) also goes through
    `xml_text` (with `astral`), as vl-convert needs. Tuples become lists.
    strict({"sort": [float("nan"), "b\\u2028c"]}) -> {"sort": [None, "b c"]}
    """
    if isinstance(value, str):
        value = _vega_text(value)
        return xml_text(value, astral=astral) if xml else value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {
            (strict(k, xml=xml, astral=astral) if isinstance(k, str) else k): strict(
                v, xml=xml, astral=astral
            )
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [strict(v, xml=xml, astral=astral) for v in value]
    return value


def to_json(spec: Any, *, xml: bool = False, astral: bool = True) -> str:
    """The spec as strict JSON text (see `strict`); never contains NaN or Infinity."""
    return json.dumps(strict(spec, xml=xml, astral=astral), allow_nan=False, ensure_ascii=False)


# -- the calls ------------------------------------------------------------------------------


def vegalite_to_png(
    spec: dict[str, Any], *, scale: float = 1, timeout: float | None = None
) -> bytes:
    """The chart as PNG bytes, drawn by vl-convert in the worker."""
    return _png(_WORKER.call({"op": "vegalite_to_png", "spec": spec, "scale": scale}, timeout))


def vegalite_to_svg(spec: dict[str, Any], *, timeout: float | None = None) -> str:
    """The chart as SVG text, drawn by vl-convert in the worker."""
    return _WORKER.call({"op": "vegalite_to_svg", "spec": spec}, timeout).decode("utf-8")


def svg_to_png(svg: str, *, scale: float = 1, timeout: float | None = None) -> bytes:
    """An SVG drawing as PNG bytes, by vl-convert in the worker."""
    return _png(_WORKER.call({"op": "svg_to_png", "svg": svg, "scale": scale}, timeout))


def _png(data: bytes) -> bytes:
    if not data.startswith(PNG_SIGNATURE):
        raise RenderError("The image could not be drawn: the renderer returned no PNG.")
    return data


def worker_pid() -> int | None:
    """The process id of the running worker, None when none runs (for tests and operators)."""
    return _WORKER.pid


def stop() -> None:
    """Stop the worker (the next image starts a new one)."""
    _WORKER.stop()


# -- the worker -----------------------------------------------------------------------------


def _setting(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise RenderError(f'{name} is "{text}": set it to a positive number, or unset it.')
    return value


class _Died(Exception):
    pass


class _Worker:
    """One worker process, used by one image at a time, replaced when it fails."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: Any = None
        self._jobs = 0
        self._memory_mb = RENDER_MEMORY_MB

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def call(self, request: dict[str, Any], timeout: float | None) -> bytes:
        # The one place where text reaches vl-convert: strict JSON, XML-safe.
        try:
            return self.call_raw(to_json(request, xml=True).encode("utf-8"), timeout)
        except RenderError as error:
            if _HALF_CHARACTER not in str(error):
                raise
        # A long label with an emoji: drawn again with such characters replaced.
        return self.call_raw(to_json(request, xml=True, astral=False).encode("utf-8"), timeout)

    def call_raw(self, body: bytes, timeout: float | None) -> bytes:
        """Send a request already encoded (as `call` does) and return the answer's bytes."""
        limit = timeout if timeout is not None else _setting(TIMEOUT_ENV, RENDER_TIMEOUT_S)
        if not self._lock.acquire(timeout=QUEUE_WAIT_S):
            raise RenderError(
                "The image could not be drawn: other images are being drawn right now. "
                "Try again in a minute."
            )
        try:
            return self._call(body, limit)
        finally:
            self._lock.release()

    def _call(self, body: bytes, limit: float) -> bytes:
        # A worker that served before may have died since (killed, out of memory while
        # idle): that death is not this image's fault, so it gets one fresh worker more.
        idle = self.pid is not None and 0 < self._jobs < JOBS_PER_WORKER
        while True:
            if not idle:
                self._stop()
                self._start()
            try:
                status, payload = self._exchange(body, time.monotonic() + limit)
            except TimeoutError:
                self._stop()
                raise RenderError(
                    f"The image took longer than {limit:g} s to draw and was stopped. "
                    f"Narrow the filters for a smaller chart, or raise {TIMEOUT_ENV}."
                ) from None
            except _Died:
                why = self._death()
                if idle:
                    idle = False
                    continue
                raise RenderError(f"The image could not be drawn: {why}") from None
            break
        self._jobs += 1
        if status != OK:
            why = " ".join(payload.decode("utf-8", "replace").splitlines()[:2])
            raise RenderError(
                f"The image could not be drawn: vl-convert refused the chart ({why[:300]})."
            )
        return payload

    def _exchange(self, body: bytes, deadline: float) -> tuple[int, bytes]:
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        os.ftruncate(self._stderr.fileno(), 0)
        _write(process.stdin.fileno(), HEADER.pack(len(body)) + body, deadline)
        status, length = ANSWER.unpack(_read(process.stdout.fileno(), ANSWER.size, deadline))
        return status, _read(process.stdout.fileno(), length, deadline)

    def _start(self) -> None:
        self._memory_mb = int(_setting(MEMORY_ENV, RENDER_MEMORY_MB))
        # Opened for appending, so the worker writes at the end after each truncation.
        self._stderr = tempfile.TemporaryFile(mode="a+b")  # noqa: SIM115 (closed by _stop)
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-P", str(WORKER_SCRIPT), str(self._memory_mb)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                start_new_session=True,  # a Ctrl-C in the terminal is the caller's to handle
            )
        except OSError as error:
            self._process = None
            raise RenderError(
                f"The image could not be drawn: the renderer did not start ({error})."
            ) from None
        self._jobs = 0

    def _death(self) -> str:
        """Why the worker died, in words; it is stopped and will be replaced."""
        process = self._process
        tail = ""
        if self._stderr is not None:
            fd = self._stderr.fileno()
            size = os.fstat(fd).st_size
            start = max(0, size - STDERR_TAIL_BYTES)
            tail = os.pread(fd, size - start, start).decode("utf-8", "replace")
        self._stop()
        code = process.returncode if process is not None else None
        _LOG.warning("The PNG renderer stopped (exit %s): %r", code, tail.strip()[-2000:])
        if "memory allocation" in tail or "out of memory" in tail:
            return (
                f"it needs more memory than the {self._memory_mb} MB allowed. Narrow the "
                f"filters for a smaller chart, or raise {MEMORY_ENV}."
            )
        panic = re.search(r"panicked at [^\n]*\n([^\n]+)", tail)
        if panic:
            return f"the renderer failed ({panic.group(1).strip()[:200]})."
        if code is not None and code < 0:
            with contextlib.suppress(ValueError):
                return f"the renderer stopped ({signal.Signals(-code).name})."
        return f"the renderer stopped (exit code {code})."

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=_STOP_WAIT_S)
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def close(self) -> None:
        """At exit: let the worker read the end of its input and leave, else stop it."""
        process = self._process
        if process is not None and process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=_STOP_WAIT_S)
        self._stop()


def _write(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    os.set_blocking(fd, False)
    while view:
        _wait(fd, deadline, write=True)
        try:
            sent = os.write(fd, view)
        except BlockingIOError:
            continue
        except OSError:  # BrokenPipeError and the like: the worker is gone
            raise _Died from None
        view = view[sent:]


def _read(fd: int, size: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        _wait(fd, deadline, write=False)
        chunk = os.read(fd, min(left, _READ_CHUNK))
        if not chunk:
            raise _Died
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _wait(fd: int, deadline: float, *, write: bool) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    readers, writers = ([], [fd]) if write else ([fd], [])
    if not any(select.select(readers, writers, [], remaining)):
        raise TimeoutError


_WORKER = _Worker()
atexit.register(_WORKER.close)
