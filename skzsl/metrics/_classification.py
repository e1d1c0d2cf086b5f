"""Metric functions of the GZSL protocol (Xian et al., TPAMI 2018).

They take labels or raw class scores, as scikit-learn's metrics do; the
scorers that read them from a fitted estimator are in ``_scorer.py``.
"""

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import auc, recall_score


def per_class_accuracy_score(y_true, y_pred, *, labels=None, sample_weight=None):
    """Mean of per-class top-1 accuracies over the classes present in ``y_true``.

    This is scikit-learn's :func:`~sklearn.metrics.balanced_accuracy_score`
    (the mean recall per class, computed by
    :func:`~sklearn.metrics.recall_score`), with two GZSL habits: a predicted
    label absent from ``y_true`` (an unseen class predicted for a seen sample,
    say) is simply a wrong prediction, without a warning, and ``labels``
    restricts the mean to some classes.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels.
    labels : array-like, default=None
        Restrict the mean to these classes (samples of other classes are
        ignored). ``None`` uses every class in ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.

    Returns
    -------
    score : float
        The per-class mean accuracy; ``nan``, with an
        :class:`~sklearn.exceptions.UndefinedMetricWarning`, when no sample is left.

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
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight)
    if labels is not None:
        keep = np.isin(y_true, np.asarray(labels))
        y_true, y_pred = y_true[keep], y_pred[keep]
        if sample_weight is not None:
            sample_weight = sample_weight[keep]
    if y_true.size == 0:
        warnings.warn("per-class accuracy of no sample is undefined; returning nan.",
                      UndefinedMetricWarning, stacklevel=2)
        return float("nan")
    # balanced accuracy is the macro-averaged recall; recall_score restricted to the
    # classes of y_true computes it without the warning balanced_accuracy_score
    # gives when y_pred holds other classes, which in GZSL is routine (warnings
    # filters are process-wide, so silencing it would not be thread-safe)
    return float(recall_score(y_true, y_pred, labels=np.unique(y_true), average="macro",
                              sample_weight=sample_weight))


def check_known_labels(y_true, classes, owner=None):
    """Raise a ValueError naming the labels of ``y_true`` that are not in ``classes``.

    A sample of a class that has no score column can never be predicted right;
    counting it as unseen would lower U, and H, without a word.
    """
    y_true = np.asarray(y_true)
    unknown = np.unique(y_true[~np.isin(y_true, np.asarray(classes))])
    if unknown.size:
        raise ValueError(
            f"y_true holds {unknown.size} label(s) that are neither seen nor unseen classes ("
            f"{'not in classes' if owner is None else 'not in the class table of ' + owner}): "
            f"{unknown[:10].tolist()}. A sample of a class outside the class table "
            "can never be predicted right; give the estimator a class_attributes table with a "
            "row for every class scored, or drop those samples."
        )


def harmonic_mean(seen, unseen):
    """Harmonic mean ``H = 2 S U / (S + U)`` of seen and unseen accuracy.

    Parameters
    ----------
    seen : float or array-like
        Seen-class accuracy S.
    unseen : float or array-like
        Unseen-class accuracy U, of the same shape (or broadcastable).

    Returns
    -------
    h : float or ndarray
        0 where both are 0, ``nan`` where either is ``nan``; a float for
        scalar inputs, an array (element by element) for arrays.

    Examples
    --------
    >>> from skzsl.metrics import harmonic_mean
    >>> harmonic_mean(0.6, 0.3)
    0.4
    >>> harmonic_mean([0.6, 0.0], [0.3, 0.0])
    array([0.4, 0. ])
    """
    seen, unseen = np.asarray(seen, dtype=float), np.asarray(unseen, dtype=float)
    total = seen + unseen
    # total != 0 also holds for nan, which then propagates
    h = np.divide(2.0 * seen * unseen, total, out=np.zeros_like(total), where=total != 0)
    return float(h) if h.ndim == 0 else h


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
        is ``nan``, with an :class:`~sklearn.exceptions.UndefinedMetricWarning`.

    Examples
    --------
    >>> from skzsl.metrics import gzsl_accuracy
    >>> gzsl_accuracy([0, 0, 1, 2], [0, 0, 2, 2], seen_classes=[0, 1])
    {'seen': 0.5, 'unseen': 1.0, 'harmonic': 0.666...}
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    seen_samples = np.isin(y_true, np.asarray(seen_classes))
    scores = {}
    for part, mask in (("seen", seen_samples), ("unseen", ~seen_samples)):
        if mask.any():
            scores[part] = per_class_accuracy_score(y_true[mask], y_pred[mask])
        else:
            warnings.warn(f"No {part}-class sample in y_true: {part} accuracy and H are "
                          "undefined (nan).", UndefinedMetricWarning, stacklevel=2)
            scores[part] = float("nan")
    scores["harmonic"] = harmonic_mean(scores["seen"], scores["unseen"])
    return scores


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
        The labels of the score columns; must hold seen and unseen classes,
        and every label of ``y_true`` (else a ValueError names the others).
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
    check_known_labels(y_true, classes)
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
        Area under S as a function of U, in [0, 1]
        (:func:`~sklearn.metrics.auc`, the trapezoidal rule, on the exact
        curve of :func:`seen_unseen_curve`).

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
    return auc(unseen_acc, seen_acc)


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
        Return a dict instead of text, as
        :func:`~sklearn.metrics.classification_report` does.
    digits : int, default=4
        Digits of the accuracies in the text (the dict is not rounded).

    Returns
    -------
    report : str or dict
        Rows ``seen``, ``unseen`` and ``harmonic``. As a dict:
        ``{"seen": {"accuracy": S, "n_classes": ..., "n_samples": ...},
        "unseen": {...}, "harmonic": H}``.

    Examples
    --------
    >>> from skzsl.metrics import gzsl_report
    >>> print(gzsl_report([0, 0, 1, 2], [0, 0, 2, 2], seen_classes=[0, 1]))
                accuracy  n_classes  n_samples
    seen          0.5000          2          3
    unseen        1.0000          1          1
    harmonic      0.6667
    >>> report = gzsl_report([0, 0, 1, 2], [0, 0, 2, 2], seen_classes=[0, 1], output_dict=True)
    >>> report["seen"], report["harmonic"]
    ({'accuracy': 0.5, 'n_classes': 2, 'n_samples': 3}, 0.666...)
    """
    y_true = np.asarray(y_true)
    scores = gzsl_accuracy(y_true, y_pred, seen_classes=seen_classes)
    seen_samples = np.isin(y_true, np.asarray(seen_classes))
    report = {}
    for part, mask in (("seen", seen_samples), ("unseen", ~seen_samples)):
        report[part] = {"accuracy": scores[part],
                        "n_classes": int(np.unique(y_true[mask]).size),
                        "n_samples": int(mask.sum())}
    report["harmonic"] = scores["harmonic"]
    if output_dict:
        return report
    lines = [f"{'':<10}{'accuracy':>10}{'n_classes':>11}{'n_samples':>11}"]
    for part in ("seen", "unseen"):
        row = report[part]
        lines.append(f"{part:<10}{row['accuracy']:>10.{digits}f}{row['n_classes']:>11}"
                     f"{row['n_samples']:>11}")
    lines.append(f"{'harmonic':<10}{report['harmonic']:>10.{digits}f}")
    return "\n".join(lines)
