"""The PNG renderer's worker process: vl-convert behind a pipe, with a memory cap.

Started by `ui.rendering` as `python -P ui/render_worker.py MEMORY_MB`; it imports nothing of
the project, only vl-convert. It caps its own data segment first (RLIMIT_DATA, so V8's large
address-space reservations still fit), then answers requests one at a time until its stdin
closes. A panic inside vl-convert aborts this process only; the caller sees the pipe close
and says so, and starts a new worker for the next image.

A request is 4 bytes of length (big-endian) and that many bytes of JSON:
    {"op": "vegalite_to_png", "spec": {...}, "scale": 2}
    {"op": "vegalite_to_svg", "spec": {...}}
    {"op": "svg_to_png", "svg": "<svg ...>", "scale": 1}
An answer is 1 status byte (0 done, 1 refused), 4 bytes of length and the payload: the PNG,
the SVG as UTF-8, or the error message as UTF-8.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from typing import Any, BinaryIO

OK = 0
REFUSED = 1
HEADER = struct.Struct(">I")
ANSWER = struct.Struct(">BI")
MB = 1024 * 1024


def _cap_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on POSIX: no cap, the pipe still isolates a crash
        return
    limit = megabytes * MB
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def _answer(stream: BinaryIO, status: int, payload: bytes) -> None:
    stream.write(ANSWER.pack(status, len(payload)))
    stream.write(payload)
    stream.flush()


def _do(request: dict[str, Any]) -> bytes:
    import vl_convert as vlc

    op = request.get("op")
    if op == "vegalite_to_png":
        return vlc.vegalite_to_png(request["spec"], scale=request.get("scale", 1))
    if op == "vegalite_to_svg":
        return vlc.vegalite_to_svg(request["spec"]).encode("utf-8")
    if op == "svg_to_png":
        return vlc.svg_to_png(request["svg"], scale=request.get("scale", 1))
    raise ValueError(f"unknown operation {op!r}")


def serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """Answer requests until `requests` ends."""
    while True:
        header = _read_exactly(requests, HEADER.size)
        if header is None:
            return
        body = _read_exactly(requests, HEADER.unpack(header)[0])
        if body is None:
            return
        try:
            payload = _do(json.loads(body))
        except Exception as error:  # a spec vl-convert refuses: say why, keep serving
            _answer(answers, REFUSED, f"{type(error).__name__}: {error}".encode())
            continue
        _answer(answers, OK, payload)


def main(argv: list[str]) -> None:
    _cap_memory(int(argv[1]))
    # Answers go to a private copy of stdout; anything printed by a library goes to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, answers)


if __name__ == "__main__":
    main(sys.argv)
