"""skzsl: generalized zero-shot learning for scikit-learn.

The estimators live in subpackages by family (``skzsl.embedding``,
``skzsl.generative``, ``skzsl.attention``) and are also importable from here.
"""

from .attention import MSDNClassifier, MSDNPlusPlusClassifier
from .embedding import ESZSLClassifier, SAEClassifier
from .generative import (
    CLSWGANClassifier,
    SDDNClassifier,
    SelfDistillationRefiner,
    SemanticKDClassifier,
    VisualSemanticDisentangler,
)
from .semantics import ClassAttributes

__version__ = "0.1.0.dev0"

__all__ = [
    "CLSWGANClassifier",
    "ClassAttributes",
    "ESZSLClassifier",
    "MSDNClassifier",
    "MSDNPlusPlusClassifier",
    "SAEClassifier",
    "SDDNClassifier",
    "SelfDistillationRefiner",
    "SemanticKDClassifier",
    "VisualSemanticDisentangler",
    "__version__",
]
