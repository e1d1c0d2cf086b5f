"""Attention methods over image regions and attribute embeddings: MSDN and MSDN++."""

from ._msdn import MSDNClassifier, MSDNPlusPlusClassifier
from ._presets import MSDN_PRESETS, msdn_preset

__all__ = ["MSDNClassifier", "MSDNPlusPlusClassifier", "MSDN_PRESETS", "msdn_preset"]
