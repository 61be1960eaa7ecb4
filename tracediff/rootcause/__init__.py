"""Root causes of a comparison: which diverged fields are causes and which are their consequences.

:func:`~tracediff.rootcause.classify.root_causes` walks the dataflow graph
(:mod:`tracediff.catalogue.graph`) over a :class:`~tracediff.compare.result.Comparison`;
:mod:`~tracediff.rootcause.render` adds the result to the table and the JSON document;
:mod:`~tracediff.rootcause.replay` replays single stages from one side's printed inputs.
No torch here.
"""
