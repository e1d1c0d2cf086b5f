"""The test protocol: every score of the GZSL literature, once, on the test split."""

import numpy as np
import pandas as pd

from ..utils import unwrap_gzsl_classifier
from ..utils._docstring import fill_doc
from ._classification import (
    ausuc_score,
    check_known_labels,
    gzsl_accuracy,
    per_class_accuracy_score,
)


@fill_doc
def evaluate_gzsl(estimator, X_test_seen, y_test_seen, X_test_unseen, y_test_unseen):
    """The full test protocol: ZSL T1, GZSL S, U and H, and AUSUC.

    Run it once, on the test split, after every choice (hyperparameters,
    ``seen_bias``, epochs) was made on validation data. The transformers of a
    Pipeline run once, on the seen and unseen test samples together.

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline, search or meta-estimator
        ending in one.
    X_test_seen : array-like
        Test samples of seen classes.
    y_test_seen : array-like of shape (n_seen_samples,)
        Their labels.
    X_test_unseen : array-like
        Test samples of unseen classes.
    y_test_unseen : array-like of shape (n_unseen_samples,)
        Their labels.

    Returns
    -------
    scores : dict
        ``{"zsl": T1, "seen": S, "unseen": U, "harmonic": H, "ausuc": AUSUC}``.

    Examples
    --------
%(example_eszsl)s
    >>> from skzsl.metrics import evaluate_gzsl
    >>> clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    >>> sorted(evaluate_gzsl(clf, data.X_test_seen, data.y_test_seen, data.X_test_unseen,
    ...                      data.y_test_unseen))
    ['ausuc', 'harmonic', 'seen', 'unseen', 'zsl']
    """
    y_seen, y_unseen = np.asarray(y_test_seen), np.asarray(y_test_unseen)
    if y_seen.size == 0 or y_unseen.size == 0:
        raise ValueError(
            f"evaluate_gzsl needs seen and unseen test samples; got {y_seen.size} seen and "
            f"{y_unseen.size} unseen."
        )
    clf, Xt = unwrap_gzsl_classifier(estimator, _concat(X_test_seen, X_test_unseen))
    check_known_labels(np.concatenate([y_seen, y_unseen]), clf.classes_, type(clf).__name__)
    if np.isin(y_unseen, clf.seen_classes_).any():
        raise ValueError(
            "y_test_unseen holds classes the estimator was trained on; unseen test samples "
            "must come from classes absent from the training labels."
        )
    if not np.isin(y_seen, clf.seen_classes_).all():
        raise ValueError(
            "y_test_seen holds classes the estimator was not trained on; seen test samples "
            "must come from the training classes."
        )
    y = np.concatenate([y_seen, y_unseen])
    scores = clf.compatibility_scores(Xt)
    unseen_rows = np.arange(y.size) >= y_seen.size
    unseen_cols = np.isin(clf.classes_, clf.unseen_classes_)
    zsl_pred = clf.classes_[unseen_cols][np.argmax(scores[np.ix_(unseen_rows, unseen_cols)],
                                                    axis=1)]
    gzsl = gzsl_accuracy(y, clf.predict(Xt), seen_classes=clf.seen_classes_)
    return {"zsl": per_class_accuracy_score(y_unseen, zsl_pred), **gzsl,
            "ausuc": ausuc_score(y, scores, classes=clf.classes_,
                                 seen_classes=clf.seen_classes_)}


def _concat(a, b):
    if hasattr(a, "iloc"):
        return pd.concat([a, b], axis=0)
    return np.concatenate([np.asarray(a), np.asarray(b)], axis=0)
