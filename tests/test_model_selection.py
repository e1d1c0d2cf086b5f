import numpy as np
import pytest
from sklearn import config_context
from sklearn.model_selection import (
    BaseCrossValidator,
    GridSearchCV,
    check_cv,
    cross_validate,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skzsl.base import BaseGZSLClassifier
from skzsl.datasets import make_zsl_classification
from skzsl.embedding import ESZSLClassifier
from skzsl.metrics import gzsl_scorer, harmonic_mean, harmonic_scorer, seen_unseen_curve
from skzsl.model_selection import (
    GZSLKFold,
    PredefinedClassSplit,
    TunedSeenBiasClassifierCV,
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
    ({"n_splits": 2.0}, "n_splits"),
    ({"seen_test_size": 1.5}, "seen_test_size"),
    ({"seen_test_size": "0.2"}, "seen_test_size"),
])
def test_gzsl_kfold_validates_parameters_at_construction(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GZSLKFold(**kwargs)


def test_gzsl_kfold_split_errors(data):
    with pytest.raises(ValueError, match="at least as many classes as folds"):
        list(GZSLKFold(20).split(data.X_train, data.y_train))
    with pytest.raises(ValueError, match="needs y"):
        list(GZSLKFold(3).split(data.X_train, None))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        list(GZSLKFold(3).split(data.X_train, data.y_train[:-1]))


@pytest.mark.parametrize("cv", [
    GZSLKFold(3, random_state=0),
    PredefinedClassSplit([0, 1, 2, 3, 5, 7], [8, 9, 10], random_state=0),
], ids=repr)
def test_splitters_are_scikit_learn_cross_validators(data, cv):
    assert isinstance(cv, BaseCrossValidator)
    assert check_cv(cv) is cv
    assert repr(cv).startswith(type(cv).__name__ + "(")
    results = cross_validate(ESZSLClassifier(data.class_attributes), data.X_train,
                             data.y_train, cv=cv, scoring=gzsl_scorer)
    assert results["test_harmonic"].shape == (cv.get_n_splits(),)
    assert np.all(results["test_harmonic"] > 0)
    # metadata routing: the splitters request nothing, and searches route through them
    with config_context(enable_metadata_routing=True):
        search = GridSearchCV(ESZSLClassifier(data.class_attributes), {"feature_reg": [1.0]},
                              scoring=gzsl_scorer, refit="harmonic", cv=cv)
        search.fit(data.X_train, data.y_train)
    assert search.cv_results_["mean_test_harmonic"][0] == pytest.approx(
        results["test_harmonic"].mean())


def test_predefined_class_split():
    y = np.repeat(np.arange(6), 10)
    train, test = next(PredefinedClassSplit([0, 1, 2, 3], [4, 5], seen_test_size=0.2,
                                            random_state=0).split(y, y))
    assert set(y[train]) == {0, 1, 2, 3}
    assert np.isin(np.flatnonzero(y >= 4), test).all()
    assert np.sum(np.isin(y[test], [0, 1, 2, 3])) == 8  # 2 of 10 per class


def test_predefined_class_split_errors():
    y = np.repeat(np.arange(6), 10)
    with pytest.raises(ValueError, match="overlap"):
        PredefinedClassSplit([0, 1, 2], [2, 3, 4, 5])
    with pytest.raises(ValueError, match="seen_test_size"):
        PredefinedClassSplit([0, 1], [2], seen_test_size=1.0)
    with pytest.raises(ValueError, match="neither"):
        next(PredefinedClassSplit([0, 1], [4, 5]).split(y, y))
    with pytest.raises(ValueError, match="No sample of y belongs to val_classes"):
        next(PredefinedClassSplit(list(range(6)), [9]).split(y, y))


def test_select_seen_bias_maximises_validation_h(data):
    train, val = next(GZSLKFold(3, random_state=0).split(data.X_train, data.y_train))
    clf = ESZSLClassifier(data.class_attributes).fit(data.X_train[train], data.y_train[train])
    Xv, yv = data.X_train[val], data.y_train[val]
    bias = select_seen_bias(clf, Xv, yv)
    best = gzsl_scorer(clf.set_params(seen_bias=bias), Xv, yv)["harmonic"]
    for other in np.linspace(-2, 2, 41):
        assert gzsl_scorer(clf.set_params(seen_bias=other), Xv, yv)["harmonic"] <= best + 1e-12


def test_grid_search_cv_with_gzsl_scorer(data):
    search = GridSearchCV(ESZSLClassifier(data.class_attributes),
                          {"feature_reg": [0.1, 10.0], "seen_bias": [0.0, 0.5]},
                          scoring=gzsl_scorer, refit="harmonic",
                          cv=GZSLKFold(3, random_state=0))
    search.fit(data.X_train, data.y_train)
    assert {"mean_test_harmonic", "mean_test_seen", "mean_test_unseen"} <= set(search.cv_results_)
    assert search.predict(data.X_test_unseen).shape == data.y_test_unseen.shape


# --------------------------------------------------------------------------- seen-bias tuning


def _mean_h(curves, bias):
    hs = []
    for biases, seen, unseen in curves:
        k = np.searchsorted(biases, bias, side="right") - 1
        hs.append(harmonic_mean(seen[k], unseen[k]))
    return np.mean(hs)


def _fold_curves(estimator, X, y, cv):
    curves = []
    for train, val in cv.split(X, y):
        clf = estimator.fit(X[train], y[train])
        curves.append(seen_unseen_curve(y[val], clf.compatibility_scores(X[val]),
                                        classes=clf.classes_, seen_classes=clf.seen_classes_))
    return curves


def test_tuned_seen_bias_maximises_mean_validation_h_exactly(data):
    X, y = data.X_train, data.y_train
    tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes),
                                      cv=GZSLKFold(3, random_state=0), random_state=0).fit(X, y)
    curves = _fold_curves(ESZSLClassifier(data.class_attributes), X, y,
                          GZSLKFold(3, random_state=0))
    best = _mean_h(curves, tuned.best_seen_bias_)
    probes = np.unique(np.concatenate([c[0][1:] for c in curves]))
    probes = np.concatenate([probes - 1e-9, probes + 1e-9, np.linspace(-5, 5, 201)])
    assert max(_mean_h(curves, b) for b in probes) <= best + 1e-12
    # the refitted estimator runs at that bias, on every training class
    assert tuned.estimator_.seen_bias == tuned.best_seen_bias_
    assert set(tuned.seen_classes_) == set(np.unique(y))
    assert tuned.cv_results_["harmonic"].shape == (3,)
    assert tuned.best_score_ == pytest.approx(tuned.cv_results_["harmonic"].mean())


class NoiseClassifier(BaseGZSLClassifier):
    """Raw class scores that are pure noise: no bias can do better than chance on new data."""

    def __init__(self, class_attributes=None, *, seen_bias=0.0, candidates="all",
                 random_state=None):
        self.class_attributes = class_attributes
        self.seen_bias = seen_bias
        self.candidates = candidates
        self.random_state = random_state

    def fit(self, X, y):
        self._setup_gzsl(X, y)
        return self

    def _decision_scores(self, X):
        # a fixed function of the sample, unrelated to its class
        rng = np.random.default_rng(np.abs(X[:, :3] * 1e6).astype(np.int64).sum(axis=1))
        return rng.normal(size=(X.shape[0], self.classes_.size))


def test_tuned_seen_bias_never_scores_the_bias_on_the_samples_that_chose_it():
    # With noise scores, the H at the bias chosen on a fold, measured on that same
    # fold, is an optimistic maximum; measured elsewhere, it is not. best_score_
    # must be the second: if the implementation scored the bias where it chose it,
    # best_score_ would reach the in-sample figure and this test would fail.
    data = make_zsl_classification(n_samples=200, n_classes=6, n_unseen_classes=2,
                                   random_state=1)
    X, y = data.X_train, data.y_train
    cv = GZSLKFold(3, random_state=0)
    noise = NoiseClassifier(data.class_attributes)
    tuned = TunedSeenBiasClassifierCV(noise, cv=cv, random_state=0).fit(X, y)
    in_sample = []
    for train, val in cv.split(X, y):
        clf = noise.fit(X[train], y[train])
        bias = select_seen_bias(clf, X[val], y[val])
        in_sample.append(harmonic_scorer(clf.set_params(seen_bias=bias), X[val], y[val]))
    assert tuned.best_score_ < np.mean(in_sample) - 0.05  # 0.118 against 0.208
    # and on each fold, not only on average
    assert np.all(tuned.cv_results_["harmonic"] < np.array(in_sample))


def test_tuned_seen_bias_with_pipeline_and_predefined_split(data):
    X, y = data.X_train, data.y_train
    pipe = make_pipeline(StandardScaler(), ESZSLClassifier(data.class_attributes))
    cv = PredefinedClassSplit([0, 1, 2, 3, 5, 7], [8, 9, 10], random_state=0)
    tuned = TunedSeenBiasClassifierCV(pipe, cv=cv, random_state=0).fit(X, y)
    assert tuned.estimator_[-1].seen_bias == tuned.best_seen_bias_
    assert tuned.cv_results_["seen_bias"].shape == (1,)
    assert tuned.predict(data.X_test_unseen).shape == data.y_test_unseen.shape
    assert tuned.predict_proba(data.X_test_unseen).shape[1] == tuned.classes_.size


def test_tuned_seen_bias_inside_grid_search(data):
    tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes), cv=2,
                                      random_state=0)
    search = GridSearchCV(tuned, {"estimator__feature_reg": [0.1, 10.0]}, scoring=gzsl_scorer,
                          refit="harmonic", cv=GZSLKFold(3, random_state=0))
    search.fit(data.X_train, data.y_train)
    assert search.best_estimator_.estimator_.seen_bias == search.best_estimator_.best_seen_bias_
    assert np.isfinite(search.cv_results_["mean_test_harmonic"]).all()


def test_tuned_seen_bias_needs_seen_and_unseen_validation_samples(data):
    tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes),
                                      cv=GZSLKFold(3, seen_test_size=0.0, random_state=0))
    with pytest.raises(ValueError, match="0 seen-class"):
        tuned.fit(data.X_train, data.y_train)


def test_tuned_seen_bias_routes_fit_metadata(data):
    with config_context(enable_metadata_routing=True):
        tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes), cv=2,
                                          random_state=0)
        tuned.fit(data.X_train, data.y_train)
        assert tuned.get_metadata_routing().consumes("fit", ["groups"]) == set()


def test_tuned_seen_bias_without_unseen_classes_warns_and_keeps_the_bias(data):
    X, y = data.X_train, data.y_train
    tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(seen_bias=0.25), cv=2)
    with pytest.warns(UserWarning, match="seen_bias changes no prediction"):
        tuned.fit(X, y)
    assert tuned.best_seen_bias_ == 0.25 and np.isnan(tuned.best_score_)
    assert tuned.cv_results_["harmonic"].size == 0
    np.testing.assert_array_equal(tuned.predict(X), tuned.estimator_.predict(X))


def test_tuned_seen_bias_refuses_a_non_gzsl_estimator(data):
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(TypeError, match="skzsl GZSL classifier"):
        TunedSeenBiasClassifierCV(LogisticRegression()).fit(data.X_train, data.y_train)


def test_tuned_seen_bias_keeps_seen_accuracy_above_the_floor(data):
    X, y = data.X_train, data.y_train
    cv = GZSLKFold(3, random_state=0)
    curves = _fold_curves(ESZSLClassifier(data.class_attributes), X, y, cv)
    free = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes), cv=cv,
                                     random_state=0).fit(X, y)
    floor = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes), cv=cv,
                                      min_seen_accuracy=0.95, random_state=0).fit(X, y)

    def mean_seen(bias):
        return np.mean([s[np.searchsorted(b, bias, side="right") - 1] for b, s, _ in curves])

    assert mean_seen(free.best_seen_bias_) < 0.95 <= mean_seen(floor.best_seen_bias_)
    assert floor.best_seen_bias_ < free.best_seen_bias_


def test_search_score_on_a_split_without_unseen_samples_is_an_error(data):
    search = GridSearchCV(ESZSLClassifier(data.class_attributes), {"feature_reg": [1.0]},
                          scoring=harmonic_scorer, cv=GZSLKFold(3, random_state=0))
    search.fit(data.X_train, data.y_train)
    with pytest.raises(ValueError, match="no unseen-class sample"):
        search.score(data.X_test_seen, data.y_test_seen)
