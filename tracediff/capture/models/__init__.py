"""Model plugins for ``tracediff capture --model NAME`` and ``tracediff triage``.

Each entry of :data:`MODELS` names the module and attribute of an object implementing
:class:`~tracediff.capture.models.interface.Model` (a ``name``, a ``description``,
``fields()`` saying what it traces, and ``capture(request, stream, notes)``). Modules load
only when their model is asked for, so listing models costs no torch import.

* ``tracediff`` (the default): tracediff's own float64 model of nanoBragg
  (:mod:`~tracediff.capture.models.reference`);
* ``nanobrag_torch``: the PyTorch port of the public repository hoidn/nanoBragg, read from
  the user's source tree (:mod:`~tracediff.capture.models.nanobrag_torch`).
"""

from __future__ import annotations

import importlib

from tracediff.capture.models.interface import Model
from tracediff.errors import TraceDiffError

#: model name -> (module, attribute)
MODELS: dict[str, tuple[str, str]] = {
    "tracediff": ("tracediff.capture.models.reference", "MODEL"),
    "nanobrag_torch": ("tracediff.capture.models.nanobrag_torch", "MODEL"),
}

DEFAULT_MODEL = "tracediff"


def get_model(name: str) -> Model:
    """The model called ``name``, or a :class:`TraceDiffError` listing the known ones."""
    try:
        module, attribute = MODELS[name]
    except KeyError:
        raise TraceDiffError(f"--model {name}: unknown model; known models: {', '.join(MODELS)}") from None
    return getattr(importlib.import_module(module), attribute)
