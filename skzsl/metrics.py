"""GZSL metrics and scorers (the protocol of Xian et al., TPAMI 2018).

- Accuracy is the mean of per-class top-1 accuracies over the classes present
  in ``y_true``, so large classes do not dominate.
- ZSL: unseen-class samples, candidates restricted to unseen classes.
- GZSL: seen and unseen samples, every class a candidate; S and U are the
  per-class accuracies on the seen and on the unseen samples, H = 2SU / (S + U).
- AUSUC (Chao et al., ECCV 2016): the area under the curve of (U, S) traced as
  the seen bias of calibrated stacking sweeps from -inf to +inf.

Scorers are plain callables ``scorer(estimator, X, y)``: which classes are seen
changes with every cross-validation fold, so they read it from the fitted
estimator (``seen_classes_``) instead of fixing it as ``make_scorer`` would.
"""

import numpy as np
import pandas as pd

__all__ = [
    "per_class_accuracy_score",
    "harmonic_mean",
    "gzsl_accuracy",
    "seen_unseen_curve",
    "ausuc_score",
    "gzsl_report",
    "gzsl_scorer",
    "harmonic_scorer",
    "seen_scorer",
    "unseen_scorer",
    "zsl_scorer",
    "ausuc_scorer",
    "evaluate_gzsl",
]


def per_class_accuracy_score(y_true, y_pred, *, labels=None):
    """Mean of per-class top-1 accuracies over the classes present in ``y_true``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Restrict the mean to these classes (samples of other classes are
        ignored). ``None`` uses every class in ``y_true``.

    Returns
    -------
    score : float
        The per-class mean accuracy, ``nan`` when no sample is left.

    Examples
    --------
    >>> from skzsl.metrics import per_class_accuracy_score
    >>> per_class_accuracy_score(["a", "a", "a", "b"], ["a", "a", "b", "b"])
    0.833...
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred have different shapes {y_true.shape} and {y_pred.shape}."
        )
    if labels is not None:
        keep = np.isin(y_true, np.asarray(labels))
        y_true, y_pred = y_true[keep], y_pred[keep]
    if y_true.size == 0:
        return float("nan")
    classes, inverse = np.unique(y_true, return_inverse=True)
    correct = np.bincount(inverse, weights=(y_true == y_pred), minlength=classes.size)
    counts = np.bincount(inverse, minlength=classes.size)
    return float(np.mean(correct / counts))


def harmonic_mean(seen, unseen):
    """Harmonic mean ``H = 2 S U / (S + U)`` of seen and unseen accuracy.

    Parameters
    ----------
    seen : float
        Seen-class accuracy S.
    unseen : float
        Unseen-class accuracy U.

    Returns
    -------
    h : float
        0 when both are 0, ``nan`` when either is ``nan``.

    Examples
    --------
    >>> from skzsl.metrics import harmonic_mean
    >>> harmonic_mean(0.6, 0.3)
    0.4
    """
    if np.isnan(seen) or np.isnan(unseen):
        return float("nan")
    if seen + unseen == 0:
        return 0.0
    return float(2.0 * seen * unseen / (seen + unseen))


def gzsl_accuracy(y_true, y_pred, *, seen_classes):
    """GZSL seen accuracy S, unseen accuracy U and their harmonic mean H.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels of seen- and unseen-class test samples.
    y_pred : array-like of shape (n_samples,)
        Labels predicted with every class as a candidate.
    seen_classes : array-like
        The classes the model was trained on; every other label of ``y_true``
        counts as unseen.

    Returns
    -------
    scores : dict
        ``{"seen": S, "unseen": U, "harmonic": H}``; a part without samples
        is ``nan``.

    Examples
    --------
    >>> from skzsl.metrics import gzsl_accuracy
    >>> gzsl_accuracy([0, 0, 1, 2], [0, 0, 2, 2], seen_classes=[0, 1])
    {'seen': 0.5, 'unseen': 1.0, 'harmonic': 0.666...}
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    seen_samples = np.isin(y_true, np.asarray(seen_classes))
    s = per_class_accuracy_score(y_true[seen_samples], y_pred[seen_samples])
    u = per_class_accuracy_score(y_true[~seen_samples], y_pred[~seen_samples])
    return {"seen": s, "unseen": u, "harmonic": harmonic_mean(s, u)}


def seen_unseen_curve(y_true, scores, *, classes, seen_classes):
    """Seen and unseen accuracy as the calibrated-stacking bias sweeps all values.

    With bias ``g``, a sample is given the best seen class when its best seen
    score minus ``g`` beats its best unseen score. Both accuracies are step
    functions of ``g`` that change only where ``g`` crosses one sample's
    margin, so the curve is exact: one point per distinct margin.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    scores : array-like of shape (n_samples, n_classes)
        Raw class scores (no bias applied), columns aligned with ``classes``.
    classes : array-like of shape (n_classes,)
        The labels of the score columns; must hold seen and unseen classes.
    seen_classes : array-like
        The classes seen in training.

    Returns
    -------
    biases : ndarray of shape (n_points,)
        Bias values; the first is ``-inf`` (every sample goes to its best seen class).
    seen_accuracy : ndarray of shape (n_points,)
        S at each bias (non-increasing).
    unseen_accuracy : ndarray of shape (n_points,)
        U at each bias (non-decreasing).

    Examples
    --------
    >>> import numpy as np
    >>> from skzsl.metrics import seen_unseen_curve
    >>> scores = np.array([[2.0, 0.0], [1.0, 0.5], [0.0, 1.0]])
    >>> biases, s, u = seen_unseen_curve([0, 0, 1], scores, classes=[0, 1], seen_classes=[0])
    >>> biases.tolist(), s.tolist(), u.tolist()
    ([-inf, -1.0, 0.5, 2.0], [1.0, 1.0, 0.5, 0.0], [0.0, 1.0, 1.0, 1.0])
    """
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=np.float64)
    classes = np.asarray(classes)
    if scores.ndim != 2 or scores.shape != (y_true.shape[0], classes.shape[0]):
        raise ValueError(
            f"scores must have shape (n_samples, n_classes) = ({y_true.shape[0]}, "
            f"{classes.shape[0]}); got {scores.shape}."
        )
    seen_cols = np.isin(classes, np.asarray(seen_classes))
    if seen_cols.all() or not seen_cols.any():
        raise ValueError(
            "The seen-unseen curve needs both seen and unseen classes among the score "
            f"columns; got {seen_cols.sum()} seen of {classes.size}."
        )
    seen_scores = np.where(seen_cols, scores, -np.inf)
    unseen_scores = np.where(seen_cols, -np.inf, scores)
    best_seen = np.argmax(seen_scores, axis=1)
    best_unseen = np.argmax(unseen_scores, axis=1)
    rows = np.arange(scores.shape[0])
    margin = seen_scores[rows, best_seen] - unseen_scores[rows, best_unseen]

    is_seen = np.isin(y_true, classes[seen_cols])
    # A correct seen sample stays correct while bias < margin; a correct unseen
    # sample is correct once bias >= margin. Weights make each sum a per-class mean.
    w_seen = _per_class_weights(y_true, is_seen) * (classes[best_seen] == y_true)
    w_unseen = _per_class_weights(y_true, ~is_seen) * (classes[best_unseen] == y_true)

    biases = np.concatenate([[-np.inf], np.unique(margin)])
    order = np.argsort(margin, kind="stable")
    sorted_margin = margin[order]
    # number of samples with margin <= bias, for each bias
    upto = np.searchsorted(sorted_margin, biases, side="right")
    cum_seen = np.concatenate([[0.0], np.cumsum(w_seen[order])])
    cum_unseen = np.concatenate([[0.0], np.cumsum(w_unseen[order])])
    seen_acc = cum_seen[-1] - cum_seen[upto]
    unseen_acc = cum_unseen[upto]
    return biases, seen_acc, unseen_acc


def _per_class_weights(y_true, mask):
    """1 / (n_samples of its class * n_classes) for samples in ``mask``, else 0."""
    weights = np.zeros(y_true.shape[0])
    if mask.any():
        classes, inverse, counts = np.unique(y_true[mask], return_inverse=True,
                                             return_counts=True)
        weights[mask] = 1.0 / (counts[inverse] * classes.size)
    return weights


def ausuc_score(y_true, scores, *, classes, seen_classes):
    """Area under the seen-unseen accuracy curve (AUSUC, Chao et al. 2016).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels of seen- and unseen-class samples.
    scores : array-like of shape (n_samples, n_classes)
        Raw class scores, columns aligned with ``classes``.
    classes : array-like of shape (n_classes,)
        Labels of the score columns.
    seen_classes : array-like
        The classes seen in training.

    Returns
    -------
    area : float
        Area under S as a function of U, in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from skzsl.metrics import ausuc_score
    >>> scores = np.array([[2.0, 0.0], [1.0, 0.5], [0.0, 1.0]])
    >>> ausuc_score([0, 0, 1], scores, classes=[0, 1], seen_classes=[0])
    1.0
    """
    _, seen_acc, unseen_acc = seen_unseen_curve(y_true, scores, classes=classes,
                                                seen_classes=seen_classes)
    return float(np.trapezoid(seen_acc, unseen_acc))


def gzsl_report(y_true, y_pred, *, seen_classes, output_dict=False, digits=4):
    """A GZSL summary: per-class accuracy on seen and unseen classes, and H.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels of seen- and unseen-class test samples.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    seen_classes : array-like
        The classes the model was trained on.
    output_dict : bool, default=False
        Return a DataFrame instead of text.
    digits : int, default=4
        Digits of the accuracies in the text.

    Returns
    -------
    report : str or pandas.DataFrame
        Rows ``seen``, ``unseen`` and ``harmonic``; columns ``accuracy``,
        ``n_classes`` and ``n_samples``.

    Examples
    --------
    >>> from skzsl.metrics import gzsl_report
    >>> print(gzsl_report([0, 0, 1, 2], [0, 0, 2, 2], seen_classes=[0, 1]))
                accuracy  n_classes  n_samples
    seen          0.5000          2          3
    unseen        1.0000          1          1
    harmonic      0.6667
    """
    y_true = np.asarray(y_true)
    scores = gzsl_accuracy(y_true, y_pred, seen_classes=seen_classes)
    seen_samples = np.isin(y_true, np.asarray(seen_classes))
    frame = pd.DataFrame(
        {
            "accuracy": [scores["seen"], scores["unseen"], scores["harmonic"]],
            "n_classes": [np.unique(y_true[seen_samples]).size,
                          np.unique(y_true[~seen_samples]).size, None],
            "n_samples": [int(seen_samples.sum()), int((~seen_samples).sum()), None],
        },
        index=["seen", "unseen", "harmonic"],
    )
    if output_dict:
        return frame
    lines = [f"{'':<10}{'accuracy':>10}{'n_classes':>11}{'n_samples':>11}"]
    for key, row in frame.iterrows():
        counts = ("" if key == "harmonic"
                  else f"{int(row['n_classes']):>11}{int(row['n_samples']):>11}")
        lines.append(f"{key:<10}{row['accuracy']:>10.{digits}f}{counts}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- scorers

def _unwrap(estimator, X):
    """The GZSL classifier at the end of ``estimator`` and ``X`` as it receives it."""
    estimator = getattr(estimator, "best_estimator_", estimator)
    if hasattr(estimator, "steps"):
        X = estimator[:-1].transform(X)
        estimator = estimator[-1]
    if not hasattr(estimator, "seen_classes_"):
        raise TypeError(
            f"{type(estimator).__name__} is not a fitted skzsl GZSL classifier (it has no "
            "seen_classes_); GZSL scorers need one, alone or at the end of a Pipeline."
        )
    return estimator, X


def gzsl_scorer(estimator, X, y):
    """Score a fitted GZSL classifier: seen and unseen accuracy and H.

    Use as ``GridSearchCV(..., scoring=gzsl_scorer, refit="harmonic")`` with a
    class-disjoint splitter such as :class:`skzsl.model_selection.GZSLKFold`.

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline ending in one.
    X : array-like
        Validation samples of seen and held-out classes.
    y : array-like of shape (n_samples,)
        Their labels. Labels the estimator did not see in fit count as unseen.

    Returns
    -------
    scores : dict
        ``{"seen": S, "unseen": U, "harmonic": H}``.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.metrics import gzsl_scorer
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    >>> sorted(gzsl_scorer(clf, data.X_test_seen, data.y_test_seen))
    ['harmonic', 'seen', 'unseen']
    """
    final, _ = _unwrap(estimator, X)
    return gzsl_accuracy(y, estimator.predict(X), seen_classes=final.seen_classes_)


def harmonic_scorer(estimator, X, y):
    """GZSL harmonic mean H of a fitted estimator (see :func:`gzsl_scorer`).

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline ending in one.
    X : array-like
        Validation samples.
    y : array-like of shape (n_samples,)
        Their labels.

    Returns
    -------
    score : float
        H.

    Examples
    --------
    >>> from sklearn.model_selection import cross_val_score
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.metrics import harmonic_scorer
    >>> from skzsl.model_selection import GZSLKFold
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = ESZSLClassifier(data.class_attributes)
    >>> cross_val_score(clf, data.X_train, data.y_train, cv=GZSLKFold(3, random_state=0),
    ...                 scoring=harmonic_scorer).shape
    (3,)
    """
    return gzsl_scorer(estimator, X, y)["harmonic"]


def seen_scorer(estimator, X, y):
    """GZSL seen-class accuracy S of a fitted estimator (see :func:`gzsl_scorer`).

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline ending in one.
    X : array-like
        Validation samples.
    y : array-like of shape (n_samples,)
        Their labels.

    Returns
    -------
    score : float
        S.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.metrics import seen_scorer
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    >>> 0 <= seen_scorer(clf, data.X_test_seen, data.y_test_seen) <= 1
    True
    """
    return gzsl_scorer(estimator, X, y)["seen"]


def unseen_scorer(estimator, X, y):
    """GZSL unseen-class accuracy U of a fitted estimator (see :func:`gzsl_scorer`).

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline ending in one.
    X : array-like
        Validation samples.
    y : array-like of shape (n_samples,)
        Their labels.

    Returns
    -------
    score : float
        U.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.metrics import unseen_scorer
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    >>> 0 <= unseen_scorer(clf, data.X_test_unseen, data.y_test_unseen) <= 1
    True
    """
    return gzsl_scorer(estimator, X, y)["unseen"]


def zsl_scorer(estimator, X, y):
    """Conventional ZSL accuracy: unseen-class samples, unseen classes as the only candidates.

    Samples of seen classes in ``y`` are ignored, and the estimator's
    ``candidates`` and ``seen_bias`` play no part.

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline ending in one.
    X : array-like
        Samples.
    y : array-like of shape (n_samples,)
        Their labels.

    Returns
    -------
    score : float
        Per-class mean accuracy among unseen classes, ``nan`` without unseen samples.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.metrics import zsl_scorer
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    >>> 0 <= zsl_scorer(clf, data.X_test_unseen, data.y_test_unseen) <= 1
    True
    """
    final, Xt = _unwrap(estimator, X)
    y = np.asarray(y)
    unseen_cols = ~final._seen_mask
    if not unseen_cols.any():
        raise ValueError("ZSL accuracy needs unseen classes, but the estimator saw every class.")
    unseen_samples = ~np.isin(y, final.seen_classes_)
    if not unseen_samples.any():
        return float("nan")
    scores = final._raw_scores(_take(Xt, unseen_samples))
    pred = final.classes_[unseen_cols][np.argmax(scores[:, unseen_cols], axis=1)]
    return per_class_accuracy_score(y[unseen_samples], pred)


def ausuc_scorer(estimator, X, y):
    """AUSUC of a fitted estimator on seen- and unseen-class samples (see :func:`ausuc_score`).

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline ending in one.
    X : array-like
        Samples of seen and unseen classes.
    y : array-like of shape (n_samples,)
        Their labels.

    Returns
    -------
    score : float
        The area under the seen-unseen accuracy curve.

    Examples
    --------
    >>> import numpy as np
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.metrics import ausuc_scorer
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    >>> X = np.concatenate([data.X_test_seen, data.X_test_unseen])
    >>> y = np.concatenate([data.y_test_seen, data.y_test_unseen])
    >>> 0 <= ausuc_scorer(clf, X, y) <= 1
    True
    """
    final, Xt = _unwrap(estimator, X)
    return ausuc_score(y, final._raw_scores(Xt), classes=final.classes_,
                       seen_classes=final.seen_classes_)


def _take(X, mask):
    return X.iloc[mask] if hasattr(X, "iloc") else np.asarray(X)[mask]


def evaluate_gzsl(estimator, X_test_seen, y_test_seen, X_test_unseen, y_test_unseen):
    """The full test protocol: ZSL T1, GZSL S, U and H, and AUSUC.

    Run it once, on the test split, after every choice (hyperparameters,
    ``seen_bias``, epochs) was made on validation data.

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline ending in one.
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
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.metrics import evaluate_gzsl
    >>> d = make_zsl_classification(random_state=0)
    >>> clf = ESZSLClassifier(d.class_attributes).fit(d.X_train, d.y_train)
    >>> sorted(evaluate_gzsl(clf, d.X_test_seen, d.y_test_seen, d.X_test_unseen, d.y_test_unseen))
    ['ausuc', 'harmonic', 'seen', 'unseen', 'zsl']
    """
    X = _concat(X_test_seen, X_test_unseen)
    y = np.concatenate([np.asarray(y_test_seen), np.asarray(y_test_unseen)])
    final, _ = _unwrap(estimator, X_test_seen)
    unseen_labels = np.setdiff1d(np.unique(y_test_unseen), final.seen_classes_)
    if unseen_labels.size != np.unique(y_test_unseen).size:
        raise ValueError(
            "y_test_unseen holds classes the estimator was trained on; unseen test samples "
            "must come from classes absent from the training labels."
        )
    scores = gzsl_accuracy(y, estimator.predict(X), seen_classes=final.seen_classes_)
    return {"zsl": zsl_scorer(estimator, X_test_unseen, y_test_unseen), **scores,
            "ausuc": ausuc_scorer(estimator, X, y)}


def _concat(a, b):
    if hasattr(a, "iloc"):
        return pd.concat([a, b], axis=0)
    return np.concatenate([np.asarray(a), np.asarray(b)], axis=0)
