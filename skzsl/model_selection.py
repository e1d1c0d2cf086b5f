"""Validation for GZSL: class-disjoint splitters and seen-bias selection.

A GZSL validation fold must look like the test: some samples of training
classes (scored as *seen*) and every sample of a few held-out classes (scored
as *unseen*, known to the estimator only through the class table).
``GroupKFold(groups=y)`` cannot serve: its test folds hold no seen class at all.

Everything here draws validation data from the training classes only; the
test classes are never touched.
"""

import time
from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import KFold, ParameterGrid
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from .metrics import _take, _unwrap, gzsl_scorer, harmonic_mean, seen_unseen_curve, zsl_scorer

__all__ = [
    "GZSLKFold",
    "PredefinedClassSplit",
    "select_seen_bias",
    "select_hyperparameters",
    "set_seen_bias",
]


def _seen_holdout(y, seen_classes, fraction, rng):
    """Boolean mask of samples of ``seen_classes`` held out for testing.

    Each class with at least two samples keeps at least one sample in train
    and gives ``round(fraction * n)`` (at least one) to test.
    """
    test = np.zeros(y.shape[0], dtype=bool)
    if fraction == 0:
        return test
    for c in seen_classes:
        idx = np.flatnonzero(y == c)
        if idx.size < 2:
            continue
        n_test = int(np.clip(round(fraction * idx.size), 1, idx.size - 1))
        test[rng.choice(idx, size=n_test, replace=False)] = True
    return test


def _check_fraction(value, name):
    if not isinstance(value, Real) or not 0 <= value < 1:
        raise ValueError(f"{name} must be a float in [0, 1); got {value!r}.")


class GZSLKFold:
    """Class-disjoint K-fold for GZSL validation.

    The classes of ``y`` are split into ``n_splits`` groups. In fold ``k`` the
    classes of group ``k`` are held out whole (all their samples go to the test
    fold and play the unseen classes), and a ``seen_test_size`` fraction of the
    samples of every other class also goes to the test fold (the seen part). So
    every test fold has seen and unseen samples, and every class is unseen in
    exactly one fold.

    The class table given to the estimator must hold every class of ``y``: the
    held-out classes are then unseen for that fit, and known by their semantics.

    Parameters
    ----------
    n_splits : int, default=3
        Number of folds, at least 2 and at most the number of classes; equal
        to it, every fold holds out one class (leave-one-class-out).
    seen_test_size : float, default=0.2
        Fraction of each training class's samples that go to the test fold.
    shuffle : bool, default=True
        Shuffle the classes before forming groups.
    random_state : int, RandomState instance or None, default=None
        Controls the class groups (when ``shuffle``) and the seen hold-out.

    See Also
    --------
    PredefinedClassSplit : One fold from a dataset's own train/val class split.

    Examples
    --------
    >>> import numpy as np
    >>> from skzsl.model_selection import GZSLKFold
    >>> y = np.repeat([0, 1, 2, 3, 4, 5], 5)
    >>> for train, test in GZSLKFold(3, random_state=0).split(y, y):
    ...     print(np.unique(y[train]).tolist(), np.unique(y[test]).tolist())
    [0, 2, 3, 4] [0, 1, 2, 3, 4, 5]
    [1, 3, 4, 5] [0, 1, 2, 3, 4, 5]
    [0, 1, 2, 5] [0, 1, 2, 3, 4, 5]
    """

    def __init__(self, n_splits=3, *, seen_test_size=0.2, shuffle=True, random_state=None):
        self.n_splits = n_splits
        self.seen_test_size = seen_test_size
        self.shuffle = shuffle
        self.random_state = random_state

    def __repr__(self):
        return (f"GZSLKFold(n_splits={self.n_splits}, seen_test_size={self.seen_test_size}, "
                f"shuffle={self.shuffle}, random_state={self.random_state})")

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds.

        Parameters
        ----------
        X, y, groups : object
            Ignored, for API compatibility.

        Returns
        -------
        n_splits : int
            ``n_splits``.
        """
        return self.n_splits

    def split(self, X, y, groups=None):
        """Generate train and test indices.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples (only their number is used).
        y : array-like of shape (n_samples,)
            Class labels: the folds are formed over these classes.
        groups : object
            Ignored.

        Yields
        ------
        train : ndarray
            Training indices: samples of the fold's seen classes.
        test : ndarray
            Test indices: held-out samples of seen classes and all samples of
            the fold's unseen classes.
        """
        if not isinstance(self.n_splits, Integral) or self.n_splits < 2:
            raise ValueError(f"n_splits must be an integer >= 2; got {self.n_splits!r}.")
        _check_fraction(self.seen_test_size, "seen_test_size")
        if y is None:
            raise ValueError("GZSLKFold forms folds over classes and needs y.")
        y = np.asarray(y)
        if y.shape[0] != len(X):
            raise ValueError(f"X has {len(X)} samples but y has {y.shape[0]}.")
        classes = np.unique(y)
        if classes.size < self.n_splits:
            raise ValueError(
                f"GZSLKFold(n_splits={self.n_splits}) needs at least as many classes as folds "
                f"(n_splits equal to the number of classes holds out one class per fold); "
                f"y has {classes.size}. Lower n_splits."
            )
        rng = check_random_state(self.random_state)
        kfold = KFold(self.n_splits, shuffle=self.shuffle,
                      random_state=rng.randint(np.iinfo(np.int32).max) if self.shuffle else None)
        for seen_pos, unseen_pos in kfold.split(classes):
            unseen = np.isin(y, classes[unseen_pos])
            test = unseen | _seen_holdout(y, classes[seen_pos], self.seen_test_size, rng)
            yield np.flatnonzero(~test), np.flatnonzero(test)


class PredefinedClassSplit:
    """One GZSL validation fold from a predefined train/val class split.

    Samples of ``val_classes`` form the unseen part of the test fold; a
    ``seen_test_size`` fraction of the samples of each of ``train_classes``
    forms its seen part; the rest is the training fold. This is the xlsa17
    protocol: the ``train_classes`` / ``val_classes`` returned by
    :func:`skzsl.datasets.load_xlsa17` split the trainval classes.

    Parameters
    ----------
    train_classes : array-like
        Classes to train on.
    val_classes : array-like
        Classes held out whole, disjoint from ``train_classes``.
    seen_test_size : float, default=0.2
        Fraction of each training class's samples in the test fold (0 gives a
        ZSL-only fold, where seen accuracy is undefined).
    random_state : int, RandomState instance or None, default=None
        Controls which samples of training classes are held out.

    See Also
    --------
    GZSLKFold : K folds over classes when no split is predefined.

    Examples
    --------
    >>> import numpy as np
    >>> from skzsl.model_selection import PredefinedClassSplit
    >>> y = np.repeat(["a", "b", "c"], 5)
    >>> cv = PredefinedClassSplit(["a", "b"], ["c"], random_state=0)
    >>> train, test = next(cv.split(y, y))
    >>> np.unique(y[train]).tolist(), np.unique(y[test]).tolist()
    (['a', 'b'], ['a', 'b', 'c'])
    """

    def __init__(self, train_classes, val_classes, *, seen_test_size=0.2, random_state=None):
        self.train_classes = train_classes
        self.val_classes = val_classes
        self.seen_test_size = seen_test_size
        self.random_state = random_state

    def __repr__(self):
        return (f"PredefinedClassSplit(<{len(self.train_classes)} train classes>, "
                f"<{len(self.val_classes)} val classes>, seen_test_size={self.seen_test_size}, "
                f"random_state={self.random_state})")

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds, always 1.

        Parameters
        ----------
        X, y, groups : object
            Ignored, for API compatibility.

        Returns
        -------
        n_splits : int
            1.
        """
        return 1

    def split(self, X, y, groups=None):
        """Generate the train and test indices of the single fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...)
            Samples (only their number is used).
        y : array-like of shape (n_samples,)
            Class labels, each in ``train_classes`` or ``val_classes``.
        groups : object
            Ignored.

        Yields
        ------
        train : ndarray
            Training indices.
        test : ndarray
            Test indices.
        """
        _check_fraction(self.seen_test_size, "seen_test_size")
        y = np.asarray(y)
        if y.shape[0] != len(X):
            raise ValueError(f"X has {len(X)} samples but y has {y.shape[0]}.")
        train_classes = np.unique(np.asarray(self.train_classes))
        val_classes = np.unique(np.asarray(self.val_classes))
        both = np.intersect1d(train_classes, val_classes)
        if both.size:
            raise ValueError(
                f"train_classes and val_classes overlap in {both[:10].tolist()}; a class is "
                "either trained on or held out."
            )
        neither = np.setdiff1d(np.unique(y), np.concatenate([train_classes, val_classes]))
        if neither.size:
            raise ValueError(
                f"Labels {neither[:10].tolist()} of y are in neither train_classes nor "
                "val_classes; add them to one, or drop their samples."
            )
        missing = np.setdiff1d(val_classes, y)
        if missing.size == val_classes.size:
            raise ValueError("No sample of y belongs to val_classes; the fold would have no "
                             "unseen class.")
        rng = check_random_state(self.random_state)
        test = np.isin(y, val_classes) | _seen_holdout(y, train_classes, self.seen_test_size, rng)
        yield np.flatnonzero(~test), np.flatnonzero(test)


@validate_params(
    {"estimator": [object], "X": ["array-like"], "y": ["array-like"],
     "min_seen_accuracy": [Interval(Real, 0, 1, closed="both")]},
    prefer_skip_nested_validation=True,
)
def select_seen_bias(estimator, X, y, *, min_seen_accuracy=0.0):
    """Choose the calibrated-stacking ``seen_bias`` that maximises H on validation data.

    The harmonic mean is computed exactly at every bias where a prediction
    changes (see :func:`skzsl.metrics.seen_unseen_curve`), so no grid is
    needed. Use validation data drawn from training classes (for instance a
    fold of :class:`GZSLKFold` or :class:`PredefinedClassSplit`), never the test set.

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline ending in one.
    X : array-like
        Validation samples of seen classes and of classes unseen by ``estimator``.
    y : array-like of shape (n_samples,)
        Their labels.
    min_seen_accuracy : float, default=0.0
        Only consider biases whose seen accuracy is at least this.

    Returns
    -------
    seen_bias : float
        The bias to set with ``set_params(seen_bias=...)`` (for a Pipeline,
        ``set_params(<step>__seen_bias=...)``). It is the middle of the best
        interval of biases, where H is constant.

    Examples
    --------
    Validation data come from the training classes: a fold of
    :class:`GZSLKFold` holds out whole classes and some samples of the others.

    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.model_selection import GZSLKFold, select_seen_bias
    >>> d = make_zsl_classification(random_state=0)
    >>> train, val = next(GZSLKFold(3, random_state=0).split(d.X_train, d.y_train))
    >>> clf = ESZSLClassifier(d.class_attributes).fit(d.X_train[train], d.y_train[train])
    >>> bias = select_seen_bias(clf, d.X_train[val], d.y_train[val])
    >>> final = ESZSLClassifier(d.class_attributes, seen_bias=bias).fit(d.X_train, d.y_train)
    """
    final, Xt = _unwrap(estimator, X)
    biases, seen_acc, unseen_acc = seen_unseen_curve(
        y, final._raw_scores(Xt), classes=final.classes_, seen_classes=final.seen_classes_)
    h = np.array([harmonic_mean(s, u) for s, u in zip(seen_acc, unseen_acc, strict=True)])
    h[seen_acc < min_seen_accuracy] = -1.0
    best = int(np.argmax(h))
    # H is constant for biases in [biases[best], biases[best + 1]); take the middle.
    finite = biases[1:]
    step = float(np.median(np.diff(finite))) if finite.size > 1 else 1.0
    step = step if step > 0 else 1.0
    if best == 0:
        return float(finite[0] - step) if finite.size else 0.0
    if best == biases.size - 1:
        return float(biases[best] + step)
    return float((biases[best] + biases[best + 1]) / 2.0)


def set_seen_bias(estimator, seen_bias):
    """Set ``seen_bias`` on a GZSL classifier or on the last step of a Pipeline.

    Parameters
    ----------
    estimator : estimator
        A skzsl classifier or a Pipeline ending in one.
    seen_bias : float
        The bias.

    Returns
    -------
    estimator : estimator
        The same object.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.model_selection import set_seen_bias
    >>> pipe = set_seen_bias(make_pipeline(StandardScaler(), ESZSLClassifier()), 0.5)
    >>> pipe[-1].seen_bias
    0.5
    """
    if hasattr(estimator, "steps"):
        return estimator.set_params(**{f"{estimator.steps[-1][0]}__seen_bias": seen_bias})
    return estimator.set_params(seen_bias=seen_bias)


def _fit_and_score_fold(estimator, params, X, y, train, test, select_bias):
    est = clone(estimator).set_params(**params)
    start = time.perf_counter()
    est.fit(_take(X, train), y[train])
    fit_time = time.perf_counter() - start
    X_test, y_test = _take(X, test), y[test]
    if select_bias:
        set_seen_bias(est, select_seen_bias(est, X_test, y_test))
    final, _ = _unwrap(est, X_test)
    scores = gzsl_scorer(est, X_test, y_test)
    return {**scores, "zsl": zsl_scorer(est, X_test, y_test),
            "seen_bias": float(final.seen_bias), "fit_time": fit_time}


def select_hyperparameters(estimator, param_grid, X, y, *, cv=None, select_bias=True,
                           refit=True, n_jobs=None, verbose=0):
    """Grid search for GZSL, with the seen bias chosen on every validation fold.

    For each parameter combination and each fold, the estimator is fitted on
    the fold's training part; when ``select_bias``, :func:`select_seen_bias`
    picks the ``seen_bias`` that maximises H on the fold's validation part; the
    fold is then scored (S, U, H and ZSL accuracy). The combination with the
    best mean H wins, with the median of its per-fold biases. Everything happens
    on ``X, y``, which must hold training classes only: pass the trainval split,
    never test data.

    Unlike ``GridSearchCV(scoring=gzsl_scorer)``, which compares combinations
    at one fixed bias, this compares each at its own best bias, which is what
    the final model will use.

    Parameters
    ----------
    estimator : estimator
        A skzsl classifier or a Pipeline ending in one, with a class table that
        covers every class of ``y``.
    param_grid : dict or list of dict
        As for ``GridSearchCV``; an empty dict only selects the bias.
    X : array-like
        Training samples (trainval).
    y : array-like of shape (n_samples,)
        Their labels.
    cv : splitter, default=None
        A class-disjoint splitter; ``None`` uses ``GZSLKFold(3, random_state=0)``.
    select_bias : bool, default=True
        Choose ``seen_bias`` per fold; ``False`` keeps the estimator's own.
    refit : bool, default=True
        Refit a clone with the best parameters and bias on all of ``X, y``.
    n_jobs : int, default=None
        Parallel fits (joblib).
    verbose : int, default=0
        The verbosity of joblib.

    Returns
    -------
    result : Bunch
        ``best_params`` (dict), ``seen_bias`` (float), ``best_score`` (mean
        validation H), ``cv_results`` (DataFrame, one row per combination) and,
        with ``refit``, ``best_estimator``.

    See Also
    --------
    select_seen_bias : Only the bias, for an already fitted estimator.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.model_selection import GZSLKFold, select_hyperparameters
    >>> d = make_zsl_classification(random_state=0)
    >>> result = select_hyperparameters(
    ...     ESZSLClassifier(d.class_attributes), {"feature_reg": [0.1, 10.0]},
    ...     d.X_train, d.y_train, cv=GZSLKFold(3, random_state=0))
    >>> sorted(result.best_params)
    ['feature_reg']
    >>> result.best_estimator.seen_bias == result.seen_bias
    True
    """
    y = np.asarray(y)
    cv = GZSLKFold(3, random_state=0) if cv is None else cv
    candidates = list(ParameterGrid(param_grid))
    folds = list(cv.split(X, y))
    jobs = (delayed(_fit_and_score_fold)(estimator, params, X, y, train, test, select_bias)
            for params in candidates for train, test in folds)
    out = Parallel(n_jobs=n_jobs, verbose=verbose)(jobs)
    rows = []
    for i, params in enumerate(candidates):
        fold_scores = pd.DataFrame(out[i * len(folds):(i + 1) * len(folds)])
        row = {"params": params}
        for key in ("harmonic", "seen", "unseen", "zsl", "fit_time"):
            row[f"mean_{key}"] = float(fold_scores[key].mean())
        row["std_harmonic"] = float(fold_scores["harmonic"].std(ddof=0))
        row["seen_bias"] = float(fold_scores["seen_bias"].median())
        rows.append(row)
    results = pd.DataFrame(rows)
    h = results["mean_harmonic"].fillna(-1.0).to_numpy()
    best = int(np.argmax(h))
    results["rank_harmonic"] = (-h).argsort().argsort() + 1
    result = Bunch(best_params=candidates[best], seen_bias=float(results["seen_bias"][best]),
                   best_score=float(results["mean_harmonic"][best]), cv_results=results)
    if refit:
        final = clone(estimator).set_params(**result.best_params)
        if select_bias:
            set_seen_bias(final, result.seen_bias)
        result.best_estimator = final.fit(X, y)
    return result
