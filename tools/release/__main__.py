"""``python -m tools.release --version 2027.1``: see :mod:`tools.release.record`."""
import sys

from .record import main

sys.exit(main())
