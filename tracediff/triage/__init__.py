"""``tracediff triage``: three witnesses (the C, the port, tracediff's model) say who is wrong.

:func:`~tracediff.triage.engine.triage` captures tracediff's model on the same flags,
compares the three pairs with :func:`tracediff.compare_logs`, and gives every field where
the port's trace departs from the C's one verdict from :data:`~tracediff.triage.verdicts.VERDICTS`.
"""
