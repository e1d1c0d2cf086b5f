"""skzsl: generalized zero-shot learning for scikit-learn.

The estimators live in subpackages by family (``skzsl.embedding``,
``skzsl.generative``, ``skzsl.attention``, ``skzsl.feature_extraction``) and
are also importable from here.
They are imported on first use, so that ``import skzsl`` (and the ``skzsl``
command's ``--help``) does not import torch.
"""

from .utils._lazy import lazy_attributes as _lazy_attributes
from .utils._no_docstrings import allow_skorch_without_docstrings as _allow_no_docstrings

_allow_no_docstrings()      # python -OO: skorch reads its own docstrings on import

__version__ = "0.1.0.dev0"

# public name -> subpackage that defines it, imported on first access (PEP 562)
_LAZY = {
    "CLSWGANClassifier": "generative",
    "ClassAttributes": "semantics",
    "ESZSLClassifier": "embedding",
    "ImageFeatureExtractor": "feature_extraction",
    "MSDNClassifier": "attention",
    "MSDNPlusPlusClassifier": "attention",
    "SAEClassifier": "embedding",
    "SDDNClassifier": "generative",
    "SelfDistillationRefiner": "generative",
    "SemanticKDClassifier": "generative",
    "VisualSemanticDisentangler": "generative",
}

__all__ = [*sorted(_LAZY), "__version__"]


__getattr__, __dir__ = _lazy_attributes(__name__, _LAZY)
