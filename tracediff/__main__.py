"""Allow ``python -m tracediff``."""

from tracediff.cli_main import run

run()
