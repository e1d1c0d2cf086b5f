"""Benchmark loaders, a synthetic generator and a small real dataset for GZSL.

Every loader returns a :class:`~sklearn.utils.Bunch` with the seen-class
training samples, the seen and unseen test samples, and ``class_attributes``:
a DataFrame indexed by class label that estimators take as their class table.
"""

from ._base import get_data_home
from ._digits import load_digits_zsl, load_moving_digits_zsl
from ._synthetic import make_zsl_classification
from ._xlsa17 import load_xlsa17

__all__ = ["get_data_home", "load_digits_zsl", "load_moving_digits_zsl", "load_xlsa17",
           "make_zsl_classification"]
