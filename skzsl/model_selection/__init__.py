"""Validation for GZSL: class-disjoint splitters and seen-bias tuning.

A GZSL validation fold must look like the test: some samples of training
classes (scored as *seen*) and every sample of a few held-out classes (scored
as *unseen*, known to the estimator only through the class table).
``GroupKFold(groups=y)`` cannot serve: its test folds hold no seen class at all.

Everything here draws validation data from the training classes only; the
test classes are never touched. Hyperparameters are searched with
scikit-learn's ``GridSearchCV`` over these splitters; the seen bias is tuned by
:class:`TunedSeenBiasClassifierCV`, which a search can wrap. :func:`gzsl_protocol`
runs the whole validation-only protocol on a dataset (select on validation
classes, refit, score the test split once).
"""

from ._protocol import gzsl_protocol, validation_cv
from ._seen_bias import TunedSeenBiasClassifierCV, select_seen_bias, set_seen_bias
from ._split import GZSLKFold, PredefinedClassSplit

__all__ = [
    "GZSLKFold",
    "PredefinedClassSplit",
    "TunedSeenBiasClassifierCV",
    "gzsl_protocol",
    "select_seen_bias",
    "set_seen_bias",
    "validation_cv",
]
