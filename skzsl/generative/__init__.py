"""Feature-generating GZSL methods and their Pipeline transformers.

- :class:`CLSWGANClassifier`: the f-CLSWGAN backbone (and f-VAEGAN option):
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
"""

from ._clswgan import CLSWGANClassifier
from ._feature_generator import FeatureGenerator
from ._sddn import SDDNClassifier
from ._semantic_kd import SemanticKDClassifier
from ._transformers import SelfDistillationRefiner, VisualSemanticDisentangler

__all__ = [
    "CLSWGANClassifier",
    "FeatureGenerator",
    "SDDNClassifier",
    "SelfDistillationRefiner",
    "SemanticKDClassifier",
    "VisualSemanticDisentangler",
]
