"""GZSL metrics, scorers and the evaluation protocol (Xian et al., TPAMI 2018).

- Accuracy is the mean of per-class top-1 accuracies over the classes present
  in ``y_true`` (scikit-learn's ``balanced_accuracy_score``), so large classes
  do not dominate.
- ZSL: unseen-class samples, candidates restricted to unseen classes.
- GZSL: seen and unseen samples, every class a candidate; S and U are the
  per-class accuracies on the seen and on the unseen samples, H = 2SU / (S + U).
- AUSUC (Chao et al., ECCV 2016): the area under the curve of (U, S) traced as
  the seen bias of calibrated stacking sweeps from -inf to +inf.

Metric functions take labels or raw scores; scorers ``scorer(estimator, X, y)``
read which classes are seen from the fitted estimator, since that changes with
every cross-validation fold; :func:`evaluate_gzsl` runs the test protocol once.
"""

from ._classification import (
    ausuc_score,
    gzsl_accuracy,
    gzsl_report,
    harmonic_mean,
    per_class_accuracy_score,
    seen_unseen_curve,
)
from ._protocol import evaluate_gzsl
from ._scorer import (
    ausuc_scorer,
    gzsl_scorer,
    harmonic_scorer,
    make_gzsl_scorer,
    seen_scorer,
    unseen_scorer,
    zsl_scorer,
)

__all__ = [
    "per_class_accuracy_score",
    "harmonic_mean",
    "gzsl_accuracy",
    "seen_unseen_curve",
    "ausuc_score",
    "gzsl_report",
    "make_gzsl_scorer",
    "gzsl_scorer",
    "harmonic_scorer",
    "seen_scorer",
    "unseen_scorer",
    "zsl_scorer",
    "ausuc_scorer",
    "evaluate_gzsl",
]
