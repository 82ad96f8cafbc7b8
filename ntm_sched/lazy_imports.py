"""Third-party modules whose import does work that our processes almost never need, made lazy.

``jsonschema`` (imported by ``nbformat``, so by papermill, nbconvert and Jupyter's servers) imports
``rfc3987_syntax`` for its ``"iri"`` format checker when that package is installed (``jupyter-events``
asks for it through ``jsonschema[format-nongpl]``). ``rfc3987_syntax`` builds an Earley parser of RFC 3987 at
import time: 1.1-1.3 s of every process that reads or runs a notebook (the CLI's ``report`` and ``batch``, the app's
Voilà server, the tests' processes), although none of them checks an IRI. :func:`defer_rfc3987_syntax` puts a
package in its place that builds the parser the first time it is used: the same functions, the same answers
(``tests/test_lazy_imports.py``), the second only when asked. ``benchmarks/imports.py`` measures what it saves.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
import types
from typing import Any

__all__ = ["defer_rfc3987_syntax"]

RFC3987 = "rfc3987_syntax"
_HELPERS = "syntax_helpers"
"""The submodule that builds the parser (the package's ``__init__`` is ``from .syntax_helpers import *``)."""


def defer_rfc3987_syntax() -> bool:
    """Put a lazy ``rfc3987_syntax`` in ``sys.modules`` (module docstring); ``True`` when it did.

    Does nothing when the package is not installed or already imported (a real import wins), or when its layout is
    not the one known here (``syntax_helpers.py`` beside ``__init__.py``): then the real package is imported as usual.
    """
    if RFC3987 in sys.modules:
        return False
    spec = importlib.util.find_spec(RFC3987)
    if spec is None or not spec.submodule_search_locations or spec.origin is None:
        return False
    locations = list(spec.submodule_search_locations)
    if not any(os.path.exists(os.path.join(d, f"{_HELPERS}.py")) for d in locations):
        return False
    lazy = types.ModuleType(RFC3987, "rfc3987_syntax, its parser built on first use (ntm_sched.lazy_imports)")
    lazy.__path__ = locations  # a package: ``rfc3987_syntax.utils`` and the helpers import as usual
    lazy.__file__ = spec.origin
    lazy.__spec__ = spec
    lazy.__package__ = RFC3987
    loaded: list[types.ModuleType] = []

    def helpers() -> types.ModuleType:
        if not loaded:  # the first use: import the helpers (they build the parser) and take their names
            mod = importlib.import_module(f"{RFC3987}.{_HELPERS}")
            for key in getattr(mod, "__all__", [k for k in vars(mod) if not k.startswith("_")]):
                setattr(lazy, key, getattr(mod, key))
            loaded.append(mod)
        return loaded[0]

    def __getattr__(name: str) -> Any:  # PEP 562: a name not set yet
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return getattr(helpers(), name)
        except AttributeError:
            raise AttributeError(f"module {RFC3987!r} has no attribute {name!r}") from None

    def is_valid_syntax(term: str, value: str) -> bool:
        """``rfc3987_syntax.is_valid_syntax``, the parser built on the first call."""
        return bool(helpers().is_valid_syntax(term, value))

    def parse(term: str, value: str) -> Any:
        """``rfc3987_syntax.parse``, the parser built on the first call."""
        return helpers().parse(term=term, value=value)

    lazy.__getattr__ = __getattr__  # type: ignore[method-assign]
    lazy.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    lazy.parse = parse  # type: ignore[attr-defined]
    sys.modules[RFC3987] = lazy
    return True
