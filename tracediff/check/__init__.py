"""``tracediff check LOG``: identities one trace must satisfy on its own (no second log needed).

:mod:`~tracediff.check.values` gathers a log's numbers by field and occurrence;
:mod:`~tracediff.check.identities` is the table of identities (pix0 is the sum of its terms, the
detector axes are orthonormal, ``hkl_rounded`` is the C's rounding of ``hkl_frac``, ...);
:mod:`~tracediff.check.engine` evaluates them with a tolerance that follows the print precision.
No torch here.
"""
