"""Utilities: estimator discovery and shared helpers.

The helpers are imported on first use (PEP 562), so that the plain torch
modules of ``skzsl.nn`` can use the docstring fragments of
``skzsl.utils._docstring`` without importing scikit-learn.
"""

from ._lazy import lazy_attributes as _lazy_attributes

# public name -> module of this package that defines it
_LAZY = {"all_estimators": "discovery", "unwrap_gzsl_classifier": "_gzsl"}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY)
