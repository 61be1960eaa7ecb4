"""``tracediff explain``: which change of the flags (or of one decision) makes the model reproduce a trace.

Library entry point: :func:`tracediff.explain.search.explain`. The model is reached only through
:mod:`tracediff.explain.model`; the hypotheses are data (``hypotheses.toml``).
"""
