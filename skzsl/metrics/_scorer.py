"""Scorers ``scorer(estimator, X, y)`` that read the seen classes from the fitted estimator.

Which classes are seen changes with every cross-validation fold, so a GZSL
scorer cannot fix them as ``make_scorer`` would: it reads ``seen_classes_``
from the fitted classifier. Every scorer reaches that classifier once through
:func:`~skzsl.utils.unwrap_gzsl_classifier`, so the transformers of a Pipeline
run once per call.
"""

import numpy as np
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import StrOptions, validate_params

from ..utils import unwrap_gzsl_classifier
from ..utils._docstring import fill_doc
from ._classification import (
    ausuc_score,
    check_known_labels,
    gzsl_accuracy,
    per_class_accuracy_score,
)

# metric -> which parts of the validation data it needs
_NEEDS = {
    "gzsl": ("seen", "unseen"),
    "harmonic": ("seen", "unseen"),
    "seen": ("seen",),
    "unseen": ("unseen",),
    "zsl": ("unseen",),
    "ausuc": ("seen", "unseen"),
}


class _GZSLScorer:
    """A picklable ``scorer(estimator, X, y)``; built by :func:`make_gzsl_scorer`."""

    def __init__(self, metric):
        self._metric = metric

    def __repr__(self):
        return f"make_gzsl_scorer({self._metric!r})"

    def __call__(self, estimator, X, y):
        clf, Xt = unwrap_gzsl_classifier(estimator, X)
        y = np.asarray(y)
        check_known_labels(y, clf.classes_, type(clf).__name__)
        seen_samples = np.isin(y, clf.seen_classes_)
        present = {"seen": seen_samples.any(), "unseen": not seen_samples.all()}
        missing = [part for part in _NEEDS[self._metric] if not present[part]]
        if missing:
            raise ValueError(
                f"The {self._metric!r} score needs {' and '.join(_NEEDS[self._metric])}-class "
                f"samples, but y holds no {missing[0]}-class sample (labels the estimator was "
                "trained on are seen, the others unseen). Score on a class-disjoint fold such "
                "as those of skzsl.model_selection.GZSLKFold, whose test folds hold both."
            )
        if self._metric == "zsl":
            unseen_cols = np.isin(clf.classes_, clf.unseen_classes_)
            scores = clf.compatibility_scores(_safe_indexing(Xt, ~seen_samples))
            pred = clf.classes_[unseen_cols][np.argmax(scores[:, unseen_cols], axis=1)]
            return per_class_accuracy_score(y[~seen_samples], pred)
        if self._metric == "ausuc":
            return ausuc_score(y, clf.compatibility_scores(Xt), classes=clf.classes_,
                               seen_classes=clf.seen_classes_)
        pred = clf.predict(Xt)
        if self._metric in ("seen", "unseen"):
            part = seen_samples if self._metric == "seen" else ~seen_samples
            return per_class_accuracy_score(y[part], pred[part])
        scores = gzsl_accuracy(y, pred, seen_classes=clf.seen_classes_)
        return scores if self._metric == "gzsl" else scores[self._metric]


@validate_params({"metric": [StrOptions(set(_NEEDS))]}, prefer_skip_nested_validation=True)
@fill_doc
def make_gzsl_scorer(metric):
    """Make a GZSL scorer ``scorer(estimator, X, y)`` for ``GridSearchCV`` and ``cross_validate``.

    The scorer reads the seen classes from the fitted estimator (a skzsl
    classifier, alone or at the end of a Pipeline, or inside a fitted search
    or :class:`~skzsl.model_selection.TunedSeenBiasClassifierCV`); labels of
    ``y`` it was not trained on count as unseen. It raises a ``ValueError``
    when ``y`` lacks the seen or unseen samples the metric needs, or holds a
    label outside the estimator's class table (``classes_``).

    Parameters
    ----------
    metric : {"gzsl", "harmonic", "seen", "unseen", "zsl", "ausuc"}
        - ``"gzsl"``: the dict ``{"seen": S, "unseen": U, "harmonic": H}``, for
          ``GridSearchCV(scoring=..., refit="harmonic")``;
        - ``"harmonic"``, ``"seen"``, ``"unseen"``: one of them, at the
          estimator's ``seen_bias``;
        - ``"zsl"``: conventional ZSL accuracy, on the unseen-class samples
          with only unseen classes as candidates (``seen_bias`` and
          ``candidates`` play no part);
        - ``"ausuc"``: the area under the seen-unseen curve
          (:func:`ausuc_score`), independent of ``seen_bias``.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)``, picklable.

    See Also
    --------
    gzsl_scorer, harmonic_scorer, seen_scorer, unseen_scorer, zsl_scorer, ausuc_scorer :
        The scorers this factory makes, ready to use.

    Examples
    --------
    H on each of three class-disjoint folds of the training data:

%(example_eszsl)s
    >>> from sklearn.model_selection import cross_val_score
    >>> from skzsl.metrics import make_gzsl_scorer
    >>> from skzsl.model_selection import GZSLKFold
    >>> cross_val_score(ESZSLClassifier(data.class_attributes), data.X_train, data.y_train,
    ...                 cv=GZSLKFold(3, random_state=0),
    ...                 scoring=make_gzsl_scorer("harmonic")).shape
    (3,)
    """
    return _GZSLScorer(metric)


gzsl_scorer = make_gzsl_scorer("gzsl")
harmonic_scorer = make_gzsl_scorer("harmonic")
seen_scorer = make_gzsl_scorer("seen")
unseen_scorer = make_gzsl_scorer("unseen")
zsl_scorer = make_gzsl_scorer("zsl")
ausuc_scorer = make_gzsl_scorer("ausuc")
