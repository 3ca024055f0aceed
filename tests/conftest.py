"""Shared pytest configuration: hypothesis profiles.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) runs more examples with no deadline and
derandomized, so CI is repeatable; ``ci-quick`` is the same with fewer examples, for the
suite on the other supported Python versions; the default ``dev`` profile keeps local runs
quick.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

pytest_plugins = ["postgres_server"]  # a real PostgreSQL server: postgres_url

# tests/host_events defines a host's own event types, and defining them registers them
# for the whole process (every registered type is drawn by the testing kit): its tests
# run in a pytest of their own (tests/testing_kit/test_host_events.py starts it), so that
# the rest of the suite sees alliance's own types only.
if not os.environ.get("ALLIANCE_HOST_EVENTS"):
    collect_ignore = ["host_events"]

settings.register_profile(
    "dev", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# CI's whole-suite run: hypothesis's default 100 examples (twice the dev profile's), the
# same examples on every run (derandomized); the tests that need more ask for it.
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# The suite on the other supported versions (.ci/run): as repeatable as "ci", with fewer
# examples, so that four interpreters' runs fit in CI's time.
settings.register_profile("ci-quick", settings.get_profile("ci"), max_examples=25)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
