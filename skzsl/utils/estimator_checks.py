"""GZSL-specific checks that every skzsl classifier must pass.

scikit-learn's common checks see an skzsl estimator as an ordinary classifier
(one-hot semantics, every class seen). These checks cover what makes it a GZSL
classifier: unseen classes are predicted from their semantics, the seen bias
and candidate set act at prediction time, and bad input fails with an error
that names the problem.

Each check takes ``(name, estimator)`` like scikit-learn's, and the estimator
is expected to be quick to fit (small networks, few epochs).
"""

import numpy as np
import pandas as pd
from sklearn.base import clone

__all__ = ["check_gzsl_estimator", "GZSL_CHECKS"]


def _data(estimator, random_state=0):
    from ..datasets import make_zsl_classification

    regions = 4 if getattr(estimator, "_sample_ndim", 1) == 2 else None
    return make_zsl_classification(
        n_samples=300, n_features=20, n_classes=8, n_unseen_classes=3, n_attributes=10,
        n_regions=regions, noise=0.05, random_state=random_state)


def _fitted(estimator, data):
    est = clone(estimator).set_params(class_attributes=data.class_attributes)
    return est.fit(data.X_train, data.y_train)


def check_predicts_unseen_classes(name, estimator):
    """With unseen classes as candidates, the estimator beats chance on them."""
    data = _data(estimator)
    est = _fitted(estimator, data).set_params(candidates="unseen")
    pred = est.predict(data.X_test_unseen)
    assert set(np.unique(pred)) <= set(est.unseen_classes_), (
        f"{name} predicted a seen class with candidates='unseen'.")
    chance = 1.0 / len(est.unseen_classes_)
    accuracy = np.mean(pred == data.y_test_unseen)
    assert accuracy > chance, (
        f"{name} is at chance on unseen classes (accuracy {accuracy:.2f} <= {chance:.2f}).")
    assert len(np.unique(pred)) > 1, f"{name} predicts a single unseen class for every sample."


def check_string_labels(name, estimator):
    """String class labels work end to end and come back as strings."""
    data = _data(estimator)
    to_str = np.vectorize(lambda v: f"class_{v}")
    table = data.class_attributes.copy()
    table.index = to_str(table.index.to_numpy())
    est = clone(estimator).set_params(class_attributes=table)
    est.fit(data.X_train, to_str(data.y_train))
    pred = est.predict(data.X_test_unseen)
    assert set(pred) <= set(table.index), f"{name} predicted labels outside the class table."
    assert set(est.unseen_classes_) == set(to_str(np.setdiff1d(data.class_attributes.index,
                                                               data.y_train)))


def check_seen_bias_moves_to_unseen(name, estimator):
    """Raising ``seen_bias`` after fit moves predictions toward unseen classes."""
    data = _data(estimator)
    est = _fitted(estimator, data)
    X = np.concatenate([data.X_test_seen, data.X_test_unseen])
    counts = []
    for bias in (-1e6, 0.0, 1e6):
        pred = est.set_params(seen_bias=bias).predict(X)
        counts.append(np.isin(pred, est.unseen_classes_).sum())
    assert counts[0] == 0, f"{name}: a very negative seen_bias still predicts unseen classes."
    assert counts[0] <= counts[1] <= counts[2], (
        f"{name}: unseen predictions do not grow with seen_bias ({counts}).")
    assert counts[2] == len(X), f"{name}: a huge seen_bias still predicts seen classes."


def check_candidates(name, estimator):
    """``candidates`` restricts predictions and zeroes the probability of the rest."""
    data = _data(estimator)
    est = _fitted(estimator, data)
    X = np.concatenate([data.X_test_seen, data.X_test_unseen])
    for candidates, allowed in (("seen", est.seen_classes_), ("unseen", est.unseen_classes_)):
        est.set_params(candidates=candidates)
        assert set(est.predict(X)) <= set(allowed), f"{name}: candidates={candidates!r} ignored."
        proba = est.predict_proba(X)
        outside = ~np.isin(est.classes_, allowed)
        np.testing.assert_allclose(proba[:, outside], 0.0)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    est.set_params(candidates="all")
    assert est.predict_proba(X).shape == (len(X), len(est.classes_))


def check_missing_label_error(name, estimator):
    """A training label without a row in the class table is an error naming it."""
    data = _data(estimator)
    y = data.y_train.copy()
    y[0] = 999
    est = clone(estimator).set_params(class_attributes=data.class_attributes)
    _assert_raises_match(lambda: est.fit(data.X_train, y), ValueError, "999", name)


def check_nan_input_error(name, estimator):
    """NaN in X fails at fit and at predict with an error that says so."""
    data = _data(estimator)
    X = data.X_train.copy()
    X[0, 0] = np.nan
    est = clone(estimator).set_params(class_attributes=data.class_attributes)
    _assert_raises_match(lambda: est.fit(X, data.y_train), ValueError, "NaN", name)
    est = _fitted(estimator, data)
    _assert_raises_match(lambda: est.predict(X), ValueError, "NaN", name)


def check_feature_mismatch_error(name, estimator):
    """Predicting on a different number of features is an error that says so."""
    data = _data(estimator)
    est = _fitted(estimator, data)
    X = data.X_test_seen[..., :-1]
    _assert_raises_match(lambda: est.predict(X), ValueError, "features", name)


def check_empty_table_error(name, estimator):
    """An empty class table is an error that says so."""
    data = _data(estimator)
    est = clone(estimator).set_params(class_attributes=pd.DataFrame())
    _assert_raises_match(lambda: est.fit(data.X_train, data.y_train), ValueError, "empty", name)


def _assert_raises_match(func, exc_type, text, name):
    try:
        func()
    except exc_type as exc:
        assert text.lower() in str(exc).lower(), (
            f"{name} raised {exc_type.__name__} without mentioning {text!r}: {exc}")
    else:
        raise AssertionError(f"{name} did not raise {exc_type.__name__} (expected {text!r}).")


GZSL_CHECKS = (
    check_predicts_unseen_classes,
    check_string_labels,
    check_seen_bias_moves_to_unseen,
    check_candidates,
    check_missing_label_error,
    check_nan_input_error,
    check_feature_mismatch_error,
    check_empty_table_error,
)


def check_gzsl_estimator(estimator):
    """Run every GZSL check on an (unfitted) skzsl classifier.

    Parameters
    ----------
    estimator : estimator
        An instance of a skzsl GZSL classifier with fast settings.

    Examples
    --------
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.utils.estimator_checks import check_gzsl_estimator
    >>> check_gzsl_estimator(ESZSLClassifier())
    """
    name = type(estimator).__name__
    for check in GZSL_CHECKS:
        check(name, estimator)
