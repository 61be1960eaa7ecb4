"""Allow ``python -m tracediff``."""

from tracediff.cli import run

run()
