"""Capture tests, one folder per room of ``tracediff/capture`` (cmdline, physics, printing).

This folder holds ``reference_cases.py`` (the reference and fixture cases shared by the parity
tests); pytest puts a conftest's folder on ``sys.path``, so the tests in the sub-folders import it
as ``from reference_cases import ...`` too.
"""
