"""Utilities: estimator discovery and shared helpers."""

from .discovery import all_estimators

__all__ = ["all_estimators"]
