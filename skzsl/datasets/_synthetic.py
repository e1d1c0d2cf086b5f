"""A synthetic GZSL problem whose unseen classes are predictable from their semantics."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, validate_params

__all__ = ["make_zsl_classification"]

# Above this many attributes, distinct rows are drawn by rejection instead of
# from the enumerated 2**n_attributes codes.
_ENUMERATE_MAX_ATTRIBUTES = 12


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "n_classes": [Interval(Integral, 3, None, closed="left")],
        "n_unseen_classes": [Interval(Integral, 1, None, closed="left")],
        "n_attributes": [Interval(Integral, 1, None, closed="left")],
        "n_regions": [Interval(Integral, 1, None, closed="left"), None],
        "noise": [Interval(Real, 0, None, closed="left")],
        "class_sep": [Interval(Real, 0, None, closed="neither")],
        "test_size": [Interval(Real, 0, 1, closed="neither")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_zsl_classification(n_samples=300, n_features=20, n_classes=10, n_unseen_classes=3,
                            n_attributes=8, n_regions=None, noise=0.1, class_sep=1.0,
                            test_size=0.2, shuffle=True, random_state=None):
    """Generate a random generalized zero-shot classification problem.

    Every class gets a distinct binary attribute vector. A sample's features
    are a fixed random nonlinear map (a two-layer tanh network) of its class's
    attribute vector, jittered per sample, plus Gaussian noise. Because the
    same map produces every class, a model that learns how attributes show in
    the features of seen classes can recognise unseen classes from their
    attribute vectors alone. Each attribute is switched on and off among the
    seen classes, so none of them is impossible to learn.

    With ``n_regions`` set, samples are sets of region features, as an image
    cut into parts: each attribute shows in one region only (``attribute_regions``),
    so an attention model has something to find.

    Parameters
    ----------
    n_samples : int, default=300
        Total number of samples, spread evenly over the classes (the first
        classes get one more when it does not divide).
    n_features : int, default=20
        Number of features (per region when ``n_regions`` is set).
    n_classes : int, default=10
        Number of classes, seen and unseen. Labels are ``0 .. n_classes - 1``.
    n_unseen_classes : int, default=3
        How many classes, drawn at random, are unseen: they have no training
        samples. At least two classes must remain seen.
    n_attributes : int, default=8
        Length of the binary attribute vector of each class;
        ``2 ** n_attributes`` must be at least ``n_classes``.
    n_regions : int, default=None
        If set, return region features of shape (n_samples, n_regions,
        n_features) instead of (n_samples, n_features).
    noise : float, default=0.1
        Standard deviation of both the per-sample attribute jitter and the
        Gaussian noise added to the features.
    class_sep : float, default=1.0
        Scale of the attribute signal (attributes are ``+class_sep`` when
        present, ``-class_sep`` when absent) before the nonlinear map; larger
        values make classes easier to tell apart.
    test_size : float, default=0.2
        Fraction of each seen class's samples held out as ``X_test_seen``
        (at least one sample per class on each side).
    shuffle : bool, default=True
        Shuffle the samples of each split. If False, samples are ordered by
        class.
    random_state : int, RandomState instance or None, default=None
        Seeds the attribute table, the split into seen and unseen classes, the
        feature map and the noise. Pass an int for reproducible output.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the following attributes.

        X_train, y_train : ndarray
            Training samples, of seen classes only.
        X_test_seen, y_test_seen : ndarray
            Held-out samples of the seen classes.
        X_test_unseen, y_test_unseen : ndarray
            All samples of the unseen classes.
        class_attributes : DataFrame of shape (n_classes, n_attributes)
            The 0/1 attribute table indexed by label (index name ``"class"``),
            columns ``"attr0"``, ``"attr1"``, ...
        seen_classes, unseen_classes : ndarray of int
            Sorted labels of the seen and unseen classes.
        attribute_names : ndarray of str
            The column names of ``class_attributes``.
        attribute_regions : ndarray of int of shape (n_attributes,) or None
            The region in which each attribute shows, when ``n_regions`` is set.
        DESCR : str
            How the data was made.

    See Also
    --------
    load_digits_zsl : A small real dataset.
    sklearn.datasets.make_classification : The generator for ordinary classification.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> data = make_zsl_classification(n_samples=100, n_classes=5, n_unseen_classes=2,
    ...                                random_state=0)
    >>> data.X_train.shape, data.X_test_seen.shape, data.X_test_unseen.shape
    ((48, 20), (12, 20), (40, 20))
    >>> data.unseen_classes
    array([0, 2])
    >>> data.class_attributes.shape
    (5, 8)
    >>> make_zsl_classification(n_samples=60, n_regions=4, random_state=0).X_train.shape
    (35, 4, 20)
    """
    n_seen = n_classes - n_unseen_classes
    if n_seen < 2:
        raise ValueError(
            f"n_unseen_classes={n_unseen_classes} leaves {n_seen} seen class of "
            f"n_classes={n_classes}; at least two classes must be seen. Lower "
            "n_unseen_classes or raise n_classes."
        )
    if n_attributes < 63 and 2 ** n_attributes < n_classes:
        raise ValueError(
            f"n_attributes={n_attributes} gives at most {2 ** n_attributes} distinct binary "
            f"attribute vectors, fewer than n_classes={n_classes}; raise n_attributes."
        )
    if n_samples // n_classes < 2:
        raise ValueError(
            f"n_samples={n_samples} gives fewer than 2 samples to some of the {n_classes} "
            "classes; every seen class needs one training and one test sample. Use "
            f"n_samples >= {2 * n_classes}."
        )
    rng = check_random_state(random_state)

    unseen = np.sort(rng.choice(n_classes, size=n_unseen_classes, replace=False))
    seen = np.setdiff1d(np.arange(n_classes), unseen)
    table = _attribute_table(rng, n_classes, n_attributes, seen)

    n_hidden = 2 * max(n_features, n_attributes)
    W1 = rng.standard_normal((n_attributes, n_hidden)) / np.sqrt(n_attributes)
    b1 = rng.standard_normal(n_hidden) * 0.5
    W2 = rng.standard_normal((n_hidden, n_features)) / np.sqrt(n_hidden)

    y = np.repeat(np.arange(n_classes), _per_class(n_samples, n_classes))
    z = class_sep * (2 * table[y] - 1) + noise * rng.standard_normal((y.size, n_attributes))
    if n_regions is None:
        attribute_regions = None
        X = np.tanh(z @ W1 + b1) @ W2
    else:
        # spread attributes evenly over regions, at random positions
        attribute_regions = rng.permutation(np.arange(n_attributes) % n_regions)
        # an attribute outside its region reads 0, halfway between absent and present
        masks = (attribute_regions[None, :] == np.arange(n_regions)[:, None]).astype(float)
        X = np.tanh(z[:, None, :] * masks[None] @ W1 + b1) @ W2
    X = X + noise * rng.standard_normal(X.shape)

    test_mask = np.zeros(y.size, dtype=bool)
    for c in seen:
        members = np.flatnonzero(y == c)
        n_test = min(max(1, round(test_size * members.size)), members.size - 1)
        test_mask[rng.choice(members, size=n_test, replace=False)] = True
    parts = {
        "train": np.flatnonzero(np.isin(y, seen) & ~test_mask),
        "test_seen": np.flatnonzero(test_mask),
        "test_unseen": np.flatnonzero(np.isin(y, unseen)),
    }

    attribute_names = np.asarray([f"attr{i}" for i in range(n_attributes)])
    data = Bunch()
    for split, rows in parts.items():
        if shuffle:
            rows = rng.permutation(rows)
        data[f"X_{split}"] = X[rows]
        data[f"y_{split}"] = y[rows]
    data.class_attributes = pd.DataFrame(table, index=pd.Index(np.arange(n_classes), name="class"),
                                         columns=attribute_names)
    data.seen_classes = seen
    data.unseen_classes = unseen
    data.attribute_names = attribute_names
    data.attribute_regions = attribute_regions
    data.DESCR = (
        f"Synthetic GZSL data: {n_classes} classes ({n_seen} seen, {n_unseen_classes} unseen) "
        f"described by {n_attributes} binary attributes; features are a random two-layer "
        f"tanh map of the jittered class attributes plus noise (noise={noise}, "
        f"class_sep={class_sep})"
        + ("." if n_regions is None else f", in {n_regions} regions, each attribute in one.")
    )
    return data


def _per_class(n_samples, n_classes):
    counts = np.full(n_classes, n_samples // n_classes)
    counts[: n_samples % n_classes] += 1
    return counts


def _attribute_table(rng, n_classes, n_attributes, seen, max_tries=100):
    """Distinct binary rows, each attribute both on and off among the seen classes."""
    for _ in range(max_tries):
        if n_attributes <= _ENUMERATE_MAX_ATTRIBUTES:
            codes = rng.permutation(2 ** n_attributes)[:n_classes]
            table = (codes[:, None] >> np.arange(n_attributes)) & 1
        else:
            table = rng.randint(2, size=(n_classes, n_attributes))
        distinct = np.unique(table, axis=0).shape[0] == n_classes
        varies = np.all(table[seen].min(axis=0) != table[seen].max(axis=0))
        if distinct and varies:
            return table.astype(np.float64)
    raise ValueError(
        f"Could not draw {n_classes} distinct attribute vectors of {n_attributes} attributes "
        f"with every attribute both present and absent among the {seen.size} seen classes; "
        "raise n_attributes or the number of seen classes."
    )
