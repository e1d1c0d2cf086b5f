"""Honest early stopping: validation H on held-out *training* classes, through skorch callbacks.

An estimator with ``early_stopping`` set holds out a class-disjoint fold of
its training data (:func:`hold_out_validation_classes`), trains its net on the rest and
adds :func:`early_stopping_callbacks` to it: :class:`ValidationH` scores the
harmonic mean H on the fold every ``validation_every`` epochs, with the seen
bias that maximises it on that fold (the exact curve of
:func:`skzsl.metrics.seen_unseen_curve`), and records it in the history as
``valid_h`` (NaN on the epochs it skips); skorch's ``EarlyStopping`` watches
it, stops after ``patience`` validations without improvement and restores the
weights of the best epoch (``load_best=True``). Test data are never touched.
"""

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import HasMethods, Interval
from skorch.callbacks import Callback, EarlyStopping
from skorch.utils import noop

from .metrics import harmonic_mean, seen_unseen_curve
from .model_selection import GZSLKFold

__all__ = ["EARLY_STOPPING_CONSTRAINTS", "ValidationH", "best_validation_h",
           "early_stopping_callbacks", "hold_out_validation_classes"]

EARLY_STOPPING_CONSTRAINTS = {
    "early_stopping": ["boolean", HasMethods("split")],
    "validation_every": [Interval(Integral, 1, None, closed="left")],
    "patience": [Interval(Integral, 1, None, closed="left")],
}

# with early_stopping=True: a fifth of the classes held out whole, as GZSLKFold's default fold
_DEFAULT_SPLITS = 5


def best_validation_h(y_true, scores, classes, seen_classes):
    """H on validation data at the seen bias that maximises it there.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples,)
    scores : ndarray of shape (n_samples, n_classes)
        Raw scores, columns aligned with ``classes``.
    classes, seen_classes : ndarray
        Every class, and those seen in training.

    Returns
    -------
    h : float
    """
    _, seen, unseen = seen_unseen_curve(y_true, scores, classes=classes,
                                        seen_classes=seen_classes)
    return float(max(harmonic_mean(s, u) for s, u in zip(seen, unseen, strict=True)))


def hold_out_validation_classes(estimator, X, y_idx):
    """Hold out the validation fold of ``estimator.early_stopping`` from the training data.

    ``True`` uses the first fold of ``GZSLKFold(5, random_state=random_state)``;
    a splitter (anything with ``split(X, y)`` yielding class-disjoint
    ``(train, validation)`` index pairs, e.g. :class:`GZSLKFold` or
    :class:`PredefinedClassSplit`) gives its first fold. The held-out classes
    are unseen for the fit: ``seen_classes_`` and ``unseen_classes_`` are
    updated.

    Returns
    -------
    X_train, y_train : ndarray
        The training part; ``y_train`` as the ``y_idx`` given (rows of ``classes_``).
    X_validation, y_validation : ndarray
        The validation fold; ``y_validation`` holds labels.
    """
    splitter = estimator.early_stopping
    if splitter is True:
        splitter = GZSLKFold(_DEFAULT_SPLITS, random_state=estimator.random_state)
    labels = estimator.classes_[y_idx]
    train, validation = next(iter(splitter.split(X, labels)))
    train, validation = np.asarray(train), np.asarray(validation)
    held_out = np.setdiff1d(labels[validation], labels[train])
    if held_out.size == 0 or train.size == 0:
        raise ValueError(
            f"early_stopping needs a validation fold that holds out whole classes of the "
            f"training data; {splitter!r} held out {held_out.size} class(es). Pass a "
            "class-disjoint splitter (GZSLKFold, PredefinedClassSplit) or early_stopping=True."
        )
    estimator.seen_classes_ = np.unique(labels[train])
    estimator.unseen_classes_ = np.setdiff1d(estimator.classes_, estimator.seen_classes_)
    return X[train], y_idx[train], X[validation], labels[validation]


class ValidationH(Callback):
    """Record ``valid_h``, validation H at its best seen bias, every ``every`` epochs.

    Parameters
    ----------
    score : callable
        ``score(net)`` -> raw validation scores (n_validation, n_classes) of
        the model as it is at the end of the epoch.
    y_true : ndarray of shape (n_validation,)
        Validation labels.
    classes, seen_classes : ndarray
        Every class, and the classes seen in training.
    every : int, default=1
        Score every ``every`` epochs (and at the last one); the epochs between
        record NaN.
    """

    def __init__(self, score, y_true, classes, seen_classes, every=1):
        self.score = score
        self.y_true = y_true
        self.classes = classes
        self.seen_classes = seen_classes
        self.every = every

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history)
        h = np.nan
        if epoch % self.every == 0 or epoch == net.max_epochs:
            h = best_validation_h(self.y_true, self.score(net), self.classes,
                                  self.seen_classes)
        net.history.record("valid_h", h)

    def on_train_end(self, net, **kwargs):
        # the net outlives fit (and is pickled with the estimator): drop the data
        self.score = self.y_true = None


def early_stopping_callbacks(estimator, score, y_true):
    """skorch callbacks that score validation H and keep the best epoch's weights.

    Returns
    -------
    callbacks : list of (str, Callback)
        ``valid_h`` (:class:`ValidationH`) and ``early_stopping`` (skorch's
        ``EarlyStopping`` on ``valid_h``, higher is better, ``patience``
        validations, ``load_best=True``).
    """
    every = estimator.validation_every
    return [
        ("valid_h", ValidationH(score, y_true, estimator.classes_, estimator.seen_classes_,
                                every=every)),
        ("early_stopping", EarlyStopping(monitor="valid_h", lower_is_better=False,
                                         patience=estimator.patience * every, threshold=0.0,
                                         threshold_mode="abs", load_best=True,
                                         sink=noop)),
    ]
