"""What the neural GZSL classifiers share: their common parameters and constraints."""

from ._early_stopping import EARLY_STOPPING_CONSTRAINTS
from ._training import NeuralEstimatorMixin
from .base import BaseGZSLClassifier

__all__ = ["BaseNeuralGZSLClassifier"]


class BaseNeuralGZSLClassifier(NeuralEstimatorMixin, BaseGZSLClassifier):
    """Base class of the GZSL classifiers that train skorch nets. Not for direct use.

    The generative classifiers and MSDN share more than a GZSL classifier
    (``class_attributes``, ``seen_bias``, ``candidates``) and a neural
    estimator (``callbacks``, ``random_state``, ``device``, ``verbose``):
    early stopping on held-out training classes (``early_stopping``,
    ``validation_every``, ``patience``): the constraints of all ten, which a
    member lists in its signature.
    """

    _parameter_constraints: dict = {
        **BaseGZSLClassifier._parameter_constraints,
        **EARLY_STOPPING_CONSTRAINTS,
        **NeuralEstimatorMixin._parameter_constraints,
    }
