"""`make screenshots`: the README's pictures of the app, taken in Chromium from the sample.

    python -m tools.screenshots [--out docs]

Runs `streamlit run app.py` on the bundled sample workbook (loopback, a free port, no
secrets of the developer's: it runs from a temporary folder) and writes
- docs/overview.png: the Overview as a leader opens it, 1440 x 900;
- docs/present-watermelons.png: Watermelons in presentation mode, 1920 x 1080, as a
  screen-share shows it.
Chromium is GROUNDTRUTH_CHROMIUM, else /usr/bin/chromium (see tools/browser.py).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tools.browser import ROOT, browser, streamlit_server, wait_for_app

DRAW_MS = 1_500  # Vega draws after the script has finished; let it


@dataclass(frozen=True)
class Shot:
    """One picture: a page (its url path and query) at a screen size."""

    file: str
    path: str
    width: int
    height: int
    query: str = ""


SHOTS = (
    Shot("overview.png", "", 1440, 900),
    Shot("present-watermelons.png", "watermelons", 1920, 1080, "present=1"),
)


def take(out: Path, *, shots: tuple[Shot, ...] = SHOTS) -> list[Path]:
    """Start the app on the sample, take each shot into `out`; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="groundtruth-screens-") as scratch:
        home = Path(scratch)
        env = {
            "GROUNDTRUTH_SOURCE": "sample",
            "GROUNDTRUTH_DATA_DIR": str(home / "data"),
            "HOME": str(home),  # no developer secrets.toml (sign-in, a sheet) in the way
        }
        with streamlit_server(cwd=home, env=env, logs=home) as base, browser() as chromium:
            for shot in shots:
                page = chromium.new_page(viewport={"width": shot.width, "height": shot.height})
                page.goto(f"{base}/{shot.path}" + (f"?{shot.query}" if shot.query else ""))
                wait_for_app(page)
                page.wait_for_timeout(DRAW_MS)
                target = out / shot.file
                page.screenshot(path=str(target))
                page.close()
                written.append(target)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs")
    args = parser.parse_args(argv)
    for path in take(args.out):
        print(f"{path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
