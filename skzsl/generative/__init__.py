"""Feature-generating GZSL methods and their Pipeline transformers.

- :class:`CLSWGANClassifier`: the backbone alone (f-CLSWGAN, f-VAEGAN or TF-VAEGAN):
  a conditional generator synthesizes unseen-class features, a softmax
  classifier is trained on real seen plus synthetic unseen features.
- :class:`SDDNClassifier`: the backbone with self-distillation and a
  visual-semantic disentanglement network (Liu et al. 2024).
- :class:`SemanticKDClassifier`: the backbone with semantic regularization,
  semantic preservation and semantic-based knowledge distillation (Bao et al. 2025).
- :class:`SelfDistillationRefiner` and :class:`VisualSemanticDisentangler`:
  SDDN's two feature modules as scikit-learn transformers.
- :class:`FeatureGenerator`: a trained generator (``generator_`` of a fitted
  estimator) that samples features of any class.
- :func:`generative_preset`: the reference scripts' per-dataset settings
  (also ``from_preset`` of each estimator).

Every estimator takes ``backbone``: :class:`CLSWGAN`, :class:`FVAEGAN` or
:class:`TFVAEGAN`, objects holding the backbone's hyperparameters (reached as
``backbone__<name>``), each trained as its reference code; the names
``"clswgan"``, ``"fvaegan"`` and ``"tfvaegan"`` are shortcuts for their defaults.
"""

from ._backbones import CLSWGAN, FVAEGAN, TFVAEGAN
from ._clswgan import CLSWGANClassifier
from ._feature_generator import FeatureGenerator
from ._presets import GENERATIVE_PRESETS, generative_preset
from ._sddn import SDDNClassifier
from ._semantic_kd import SemanticKDClassifier
from ._transformers import SelfDistillationRefiner, VisualSemanticDisentangler

__all__ = [
    "CLSWGAN",
    "CLSWGANClassifier",
    "FVAEGAN",
    "FeatureGenerator",
    "GENERATIVE_PRESETS",
    "SDDNClassifier",
    "SelfDistillationRefiner",
    "SemanticKDClassifier",
    "TFVAEGAN",
    "VisualSemanticDisentangler",
    "generative_preset",
]
