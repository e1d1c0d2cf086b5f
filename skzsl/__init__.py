"""skzsl: generalized zero-shot learning for scikit-learn."""

from .embedding import ESZSLClassifier, SAEClassifier
from .semantics import ClassAttributes

__version__ = "0.1.0.dev0"

__all__ = ["ClassAttributes", "ESZSLClassifier", "SAEClassifier", "__version__"]
