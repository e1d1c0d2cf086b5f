"""Utilities: estimator discovery and shared helpers."""

from ._gzsl import unwrap_gzsl_classifier
from .discovery import all_estimators

__all__ = ["all_estimators", "unwrap_gzsl_classifier"]
