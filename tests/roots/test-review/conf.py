# The settings all fixture projects share: tests/roots/common_conf.py
from tests.roots.common_conf import *  # noqa: F401,F403
