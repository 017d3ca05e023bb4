"""How many examples the property tests draw: the `quick` profile, or the `deep` one.

A plain run (`make test`, `make test-fast`, one file on its own) loads `quick`: each property
test draws the few examples its decorator names as `quick`, plus any explicit `@example`, so
every strategy and assertion runs on every push in seconds. `HYPOTHESIS_PROFILE=deep`
(`make test-deep`) draws the `deep` counts, the search that finds rare shapes; run it before a
release and after changing a parser, a page's text handling or the renderer.

    @settings(max_examples=examples(quick=3, deep=20), deadline=None)

Loaded by tests/conftest.py, so the profile holds in every worker process.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE_ENV = "HYPOTHESIS_PROFILE"
PROFILES = ("quick", "deep")
PROFILE = os.environ.get(PROFILE_ENV, "quick")
if PROFILE not in PROFILES:
    raise ValueError(f"{PROFILE_ENV}={PROFILE!r}: use one of {', '.join(PROFILES)}")

# Examples of the app are slow (pages, images), so no test has a per-example deadline.
settings.register_profile("quick", deadline=None)
settings.register_profile("deep", deadline=None)
settings.load_profile(PROFILE)


def examples(*, quick: int, deep: int) -> int:
    """`max_examples` for a property test: `quick` in a plain run, `deep` in the deep one."""
    return deep if PROFILE == "deep" else quick
