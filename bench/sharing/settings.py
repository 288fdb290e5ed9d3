"""The platform's settings with the benchmark's URLs: the platform's own, plus the bare endpoint."""

from shuzheng.settings import *  # noqa: F403

ROOT_URLCONF = "bench.sharing.urls"
