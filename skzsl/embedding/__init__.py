"""Closed-form embedding baselines: ESZSL and SAE."""

from ._eszsl import ESZSLClassifier
from ._sae import SAEClassifier

__all__ = ["ESZSLClassifier", "SAEClassifier"]
