"""Class-disjoint cross-validators for GZSL validation."""

from numbers import Integral, Real

import numpy as np
from sklearn.model_selection import BaseCrossValidator, KFold
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_parameter_constraints

from ..base import _ParametersMixin


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


# scikit-learn's parameter constraints, checked at construction (a splitter has no fit)
_SEEN_TEST_SIZE = [Interval(Real, 0, 1, closed="left")]


class _ClassSplitter(_ParametersMixin, BaseCrossValidator):
    """A cross-validator whose folds are formed over the classes of ``y``."""

    def get_n_splits(self, X=None, y=None, groups=None):
        """Number of folds.

        Parameters
        ----------
        X, y, groups : object
            Ignored, for API compatibility.

        Returns
        -------
        n_splits : int
            ``n_splits`` (1 for a predefined split).
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
        if y is None:
            raise ValueError(f"{type(self).__name__} forms folds over classes and needs y: "
                             "call split(X, y).")
        yield from super().split(X, y, groups)


class GZSLKFold(_ClassSplitter):
    """Class-disjoint K-fold for GZSL validation.

    The classes of ``y`` are split into ``n_splits`` groups. In fold ``k`` the
    classes of group ``k`` are held out whole (all their samples go to the test
    fold and play the unseen classes), and a ``seen_test_size`` fraction of the
    samples of every other class also goes to the test fold (the seen part). So
    every test fold has seen and unseen samples, and every class is unseen in
    exactly one fold.

    The class table given to the estimator must hold every class of ``y``: the
    held-out classes are then unseen for that fit, and known by their semantics.
    ``groups`` is not used.

    Parameters
    ----------
    n_splits : int, default=3
        Number of folds, at least 2 and at most the number of classes; equal
        to it, every fold holds out one class (leave-one-class-out).
    seen_test_size : float, default=0.2
        Fraction of each training class's samples that go to the test fold, in
        [0, 1). 0 gives ZSL-only test folds, where seen accuracy is undefined.
    shuffle : bool, default=True
        Shuffle the classes before forming groups.
    random_state : int, RandomState instance or None, default=None
        Controls the class groups (when ``shuffle``) and the seen hold-out.
        Pass an int for the same folds at every ``split`` call, which a search
        needs to compare its candidates on the same folds.

    See Also
    --------
    PredefinedClassSplit : One fold from a dataset's own train/val class split.

    Examples
    --------
    >>> import numpy as np
    >>> from skzsl.model_selection import GZSLKFold
    >>> y = np.repeat([0, 1, 2, 3, 4, 5], 5)
    >>> cv = GZSLKFold(3, random_state=0)
    >>> cv
    GZSLKFold(n_splits=3, random_state=0, seen_test_size=0.2, shuffle=True)
    >>> for train, test in cv.split(y, y):
    ...     print(np.unique(y[train]).tolist(), np.unique(y[test]).tolist())
    [0, 2, 3, 4] [0, 1, 2, 3, 4, 5]
    [1, 3, 4, 5] [0, 1, 2, 3, 4, 5]
    [0, 1, 2, 5] [0, 1, 2, 3, 4, 5]
    """

    _parameter_constraints: dict = {
        "n_splits": [Interval(Integral, 2, None, closed="left")],
        "seen_test_size": _SEEN_TEST_SIZE,
        "shuffle": ["boolean"],
    }

    def __init__(self, n_splits=3, *, seen_test_size=0.2, shuffle=True, random_state=None):
        self._store_parameters(locals())
        validate_parameter_constraints(
            self._parameter_constraints,
            {"n_splits": n_splits, "seen_test_size": seen_test_size, "shuffle": shuffle},
            caller_name=type(self).__name__)

    def _iter_test_masks(self, X, y, groups=None):
        y = np.asarray(y)
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
            yield unseen | _seen_holdout(y, classes[seen_pos], self.seen_test_size, rng)


class PredefinedClassSplit(_ClassSplitter):
    """One GZSL validation fold from a predefined train/val class split.

    Samples of ``val_classes`` form the unseen part of the test fold; a
    ``seen_test_size`` fraction of the samples of each of ``train_classes``
    forms its seen part; the rest is the training fold. This is the xlsa17
    protocol: the ``train_classes`` / ``val_classes`` returned by
    :func:`skzsl.datasets.load_xlsa17` split the trainval classes.
    ``groups`` is not used.

    Parameters
    ----------
    train_classes : array-like
        Classes to train on.
    val_classes : array-like
        Classes held out whole, disjoint from ``train_classes``.
    seen_test_size : float, default=0.2
        Fraction of each training class's samples in the test fold, in [0, 1)
        (0 gives a ZSL-only fold, where seen accuracy is undefined).
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

    # one fold, read by get_n_splits
    n_splits = 1

    def __init__(self, train_classes, val_classes, *, seen_test_size=0.2, random_state=None):
        self._store_parameters(locals())
        both = np.intersect1d(np.asarray(train_classes), np.asarray(val_classes))
        if both.size:
            raise ValueError(
                f"train_classes and val_classes overlap in {both[:10].tolist()}; a class is "
                "either trained on or held out."
            )
        if np.asarray(val_classes).size == 0:
            raise ValueError("val_classes is empty; the fold would have no unseen class.")
        validate_parameter_constraints({"seen_test_size": _SEEN_TEST_SIZE},
                                       {"seen_test_size": seen_test_size},
                                       caller_name=type(self).__name__)

    def _iter_test_masks(self, X, y, groups=None):
        y = np.asarray(y)
        train_classes = np.unique(np.asarray(self.train_classes))
        val_classes = np.unique(np.asarray(self.val_classes))
        neither = np.setdiff1d(np.unique(y), np.concatenate([train_classes, val_classes]))
        if neither.size:
            raise ValueError(
                f"Labels {neither[:10].tolist()} of y are in neither train_classes nor "
                "val_classes; add them to one, or drop their samples."
            )
        if not np.isin(val_classes, y).any():
            raise ValueError("No sample of y belongs to val_classes; the fold would have no "
                             "unseen class.")
        rng = check_random_state(self.random_state)
        yield np.isin(y, val_classes) | _seen_holdout(y, train_classes, self.seen_test_size,
                                                      rng)
