import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from skzsl.datasets import make_zsl_classification
from skzsl.embedding import ESZSLClassifier
from skzsl.metrics import gzsl_scorer
from skzsl.model_selection import (
    GZSLKFold,
    PredefinedClassSplit,
    select_hyperparameters,
    select_seen_bias,
)


@pytest.fixture(scope="module")
def data():
    return make_zsl_classification(n_samples=600, n_classes=12, n_unseen_classes=3,
                                   random_state=0)


def test_gzsl_kfold_every_class_unseen_once_and_folds_hold_both(data):
    y = data.y_train
    cv = GZSLKFold(3, seen_test_size=0.25, random_state=0)
    unseen_count = {c: 0 for c in np.unique(y)}
    for train, test in cv.split(data.X_train, y):
        assert np.intersect1d(train, test).size == 0
        assert train.size + test.size == y.size
        held_out = np.setdiff1d(y[test], y[train])
        seen_in_test = np.intersect1d(y[test], y[train])
        assert held_out.size > 0 and seen_in_test.size > 0
        # a held-out class gives all its samples to the test fold
        for c in held_out:
            unseen_count[c] += 1
            assert np.isin(np.flatnonzero(y == c), test).all()
    assert set(unseen_count.values()) == {1}


def test_gzsl_kfold_leave_one_class_out():
    y = np.repeat([0, 1, 2, 3], 10)
    held_out = []
    for train, test in GZSLKFold(4, random_state=0).split(y, y):
        unseen = np.setdiff1d(y[test], y[train])
        assert unseen.size == 1 and np.unique(y[train]).size == 3
        held_out.append(int(unseen[0]))
    assert sorted(held_out) == [0, 1, 2, 3]


def test_gzsl_kfold_is_deterministic_with_int_seed(data):
    a = [t.tolist() for _, t in GZSLKFold(3, random_state=1).split(data.X_train, data.y_train)]
    b = [t.tolist() for _, t in GZSLKFold(3, random_state=1).split(data.X_train, data.y_train)]
    assert a == b


@pytest.mark.parametrize("kwargs, message", [
    ({"n_splits": 1}, "n_splits"),
    ({"n_splits": 20}, "at least as many classes as folds"),
    ({"seen_test_size": 1.5}, "seen_test_size"),
])
def test_gzsl_kfold_errors(data, kwargs, message):
    with pytest.raises(ValueError, match=message):
        list(GZSLKFold(**kwargs).split(data.X_train, data.y_train))


def test_predefined_class_split():
    y = np.repeat(np.arange(6), 10)
    train, test = next(PredefinedClassSplit([0, 1, 2, 3], [4, 5], seen_test_size=0.2,
                                            random_state=0).split(y, y))
    assert set(y[train]) == {0, 1, 2, 3}
    assert np.isin(np.flatnonzero(y >= 4), test).all()
    assert np.sum(np.isin(y[test], [0, 1, 2, 3])) == 8  # 2 of 10 per class


@pytest.mark.parametrize("train, val, message", [
    ([0, 1, 2], [2, 3, 4, 5], "overlap"),
    ([0, 1], [4, 5], "neither"),
])
def test_predefined_class_split_errors(train, val, message):
    y = np.repeat(np.arange(6), 10)
    with pytest.raises(ValueError, match=message):
        next(PredefinedClassSplit(train, val).split(y, y))


def test_select_seen_bias_maximises_validation_h(data):
    train, val = next(GZSLKFold(3, random_state=0).split(data.X_train, data.y_train))
    clf = ESZSLClassifier(data.class_attributes).fit(data.X_train[train], data.y_train[train])
    Xv, yv = data.X_train[val], data.y_train[val]
    bias = select_seen_bias(clf, Xv, yv)
    best = gzsl_scorer(clf.set_params(seen_bias=bias), Xv, yv)["harmonic"]
    for other in np.linspace(-2, 2, 41):
        assert gzsl_scorer(clf.set_params(seen_bias=other), Xv, yv)["harmonic"] <= best + 1e-12


def test_select_hyperparameters_uses_only_given_data(data):
    result = select_hyperparameters(
        ESZSLClassifier(data.class_attributes),
        {"feature_reg": [0.01, 1.0, 100.0]}, data.X_train, data.y_train,
        cv=GZSLKFold(3, random_state=0))
    assert len(result.cv_results) == 3
    assert result.best_params["feature_reg"] in (0.01, 1.0, 100.0)
    assert result.best_score == result.cv_results["mean_harmonic"].max()
    assert set(result.best_estimator.seen_classes_) == set(np.unique(data.y_train))


def test_grid_search_cv_with_gzsl_scorer(data):
    search = GridSearchCV(ESZSLClassifier(data.class_attributes),
                          {"feature_reg": [0.1, 10.0], "seen_bias": [0.0, 0.5]},
                          scoring=gzsl_scorer, refit="harmonic",
                          cv=GZSLKFold(3, random_state=0))
    search.fit(data.X_train, data.y_train)
    assert {"mean_test_harmonic", "mean_test_seen", "mean_test_unseen"} <= set(search.cv_results_)
    assert search.predict(data.X_test_unseen).shape == data.y_test_unseen.shape
