import pickle

import numpy as np
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from skzsl.datasets import make_zsl_classification
from skzsl.embedding import ESZSLClassifier
from skzsl.metrics import (
    ausuc_score,
    ausuc_scorer,
    evaluate_gzsl,
    gzsl_accuracy,
    gzsl_report,
    gzsl_scorer,
    harmonic_mean,
    harmonic_scorer,
    make_gzsl_scorer,
    per_class_accuracy_score,
    seen_scorer,
    seen_unseen_curve,
    unseen_scorer,
    zsl_scorer,
)
from skzsl.model_selection import GZSLKFold, TunedSeenBiasClassifierCV


def test_per_class_accuracy_is_mean_of_class_accuracies():
    # class a: 3/4 right, class b: 0/1 right -> (0.75 + 0) / 2, not 3/5
    y_true = ["a", "a", "a", "a", "b"]
    y_pred = ["a", "a", "a", "b", "a"]
    assert per_class_accuracy_score(y_true, y_pred) == pytest.approx(0.375)
    assert per_class_accuracy_score(y_true, y_pred, labels=["b"]) == 0.0
    with pytest.warns(UndefinedMetricWarning, match="no sample"):
        assert np.isnan(per_class_accuracy_score([], []))


@pytest.mark.filterwarnings("ignore:y_pred contains classes not in y_true")
def test_per_class_accuracy_is_balanced_accuracy_with_sample_weight():
    rng = np.random.default_rng(0)
    for _ in range(50):
        y_true = rng.integers(0, 5, size=40)
        y_pred = np.where(rng.random(40) < 0.6, y_true, rng.integers(0, 7, size=40))
        weight = rng.random(40)
        by_hand = np.mean([np.average(y_pred[y_true == c] == c, weights=weight[y_true == c])
                           for c in np.unique(y_true)])
        assert per_class_accuracy_score(y_true, y_pred, sample_weight=weight) == pytest.approx(
            by_hand)
        assert per_class_accuracy_score(y_true, y_pred) == pytest.approx(
            balanced_accuracy_score(y_true, np.where(np.isin(y_pred, y_true), y_pred, -1)))


def test_per_class_accuracy_does_not_warn_on_labels_outside_y_true(recwarn):
    assert per_class_accuracy_score([0, 0], [0, 5]) == 0.5
    assert not recwarn.list


def test_per_class_accuracy_shape_mismatch():
    with pytest.raises(ValueError, match="different shapes"):
        per_class_accuracy_score([0, 1], [0])


def test_harmonic_mean_hand_computed():
    assert harmonic_mean(0.5, 0.25) == pytest.approx(2 * 0.5 * 0.25 / 0.75)
    assert harmonic_mean(0.0, 0.0) == 0.0
    assert np.isnan(harmonic_mean(np.nan, 0.5))


def test_gzsl_accuracy_splits_by_seen_classes():
    y_true = [0, 0, 1, 1, 2, 3]
    y_pred = [0, 1, 1, 1, 2, 2]
    out = gzsl_accuracy(y_true, y_pred, seen_classes=[0, 1])
    assert out["seen"] == pytest.approx((0.5 + 1.0) / 2)
    assert out["unseen"] == pytest.approx((1.0 + 0.0) / 2)
    assert out["harmonic"] == pytest.approx(2 * 0.75 * 0.5 / 1.25)


def test_gzsl_accuracy_without_unseen_samples_warns_and_is_nan():
    with pytest.warns(UndefinedMetricWarning, match="No unseen-class sample"):
        out = gzsl_accuracy([0, 1], [0, 1], seen_classes=[0, 1])
    assert out["seen"] == 1.0 and np.isnan(out["unseen"]) and np.isnan(out["harmonic"])


def test_seen_unseen_curve_matches_brute_force():
    rng = np.random.default_rng(0)
    classes = np.array([0, 1, 2, 3, 4])
    seen = [0, 1, 2]
    y = rng.integers(0, 5, size=200)
    scores = rng.normal(size=(200, 5)) + 1.5 * np.eye(5)[y]
    biases, s, u = seen_unseen_curve(y, scores, classes=classes, seen_classes=seen)
    assert np.all(np.diff(s) <= 1e-12) and np.all(np.diff(u) >= -1e-12)
    seen_cols = np.isin(classes, seen)
    # brute force: between two breakpoints, predictions are constant
    probes = np.concatenate([[biases[1] - 1.0], (biases[1:-1] + biases[2:]) / 2, [biases[-1] + 1]])
    for k, bias in enumerate(probes):
        adjusted = scores - bias * seen_cols
        out = gzsl_accuracy(y, classes[adjusted.argmax(1)], seen_classes=seen)
        assert out["seen"] == pytest.approx(s[k])
        assert out["unseen"] == pytest.approx(u[k])


def test_ausuc_hand_computed():
    # Seen samples 0 and 1 (class 0); unseen sample 2 (class 1).
    # margins: 2.0, 0.5, -1.0. Curve points (U, S): (0, 1), (1, 1), (1, .5), (1, 0).
    scores = np.array([[2.0, 0.0], [1.0, 0.5], [0.0, 1.0]])
    assert ausuc_score([0, 0, 1], scores, classes=[0, 1], seen_classes=[0]) == 1.0
    # Make the unseen sample need a larger bias than seen sample 1 tolerates:
    # margins 2.0, 0.5, 1.0 -> points (0,1), (0, .5), (1, .5), (1, 0): area 0.5
    scores = np.array([[2.0, 0.0], [1.0, 0.5], [1.0, 0.0]])
    assert ausuc_score([0, 0, 1], scores, classes=[0, 1], seen_classes=[0]) == 0.5


def test_curve_needs_seen_and_unseen_columns():
    with pytest.raises(ValueError, match="both seen and unseen"):
        seen_unseen_curve([0], np.zeros((1, 2)), classes=[0, 1], seen_classes=[0, 1])
    with pytest.raises(ValueError, match="shape"):
        seen_unseen_curve([0], np.zeros((1, 3)), classes=[0, 1], seen_classes=[0])


def test_gzsl_report_text_and_dict():
    report = gzsl_report([0, 0, 1, 2], [0, 0, 2, 2], seen_classes=[0, 1], output_dict=True)
    assert isinstance(report, dict)
    assert report["seen"] == {"accuracy": 0.5, "n_classes": 2, "n_samples": 3}
    assert report["unseen"]["n_samples"] == 1
    assert report["harmonic"] == pytest.approx(2 / 3)
    text = gzsl_report([0, 0, 1, 2], [0, 0, 2, 2], seen_classes=[0, 1])
    assert "harmonic" in text and "0.6667" in text


# --------------------------------------------------------------------------- scorers


@pytest.fixture(scope="module")
def data():
    return make_zsl_classification(n_samples=400, n_classes=10, n_unseen_classes=3,
                                   random_state=0)


class CountingScaler(TransformerMixin, BaseEstimator):
    """Identity transformer that counts its transform calls (fit_transform excluded)."""

    def fit(self, X, y=None):
        self.n_transform_ = 0
        return self

    def fit_transform(self, X, y=None):
        self.fit(X, y)
        return np.asarray(X)

    def transform(self, X):
        self.n_transform_ += 1
        return np.asarray(X)


@pytest.fixture
def counting_pipe(data):
    return make_pipeline(CountingScaler(), ESZSLClassifier(data.class_attributes)).fit(
        data.X_train, data.y_train)


def _both(data):
    return (np.concatenate([data.X_test_seen, data.X_test_unseen]),
            np.concatenate([data.y_test_seen, data.y_test_unseen]))


@pytest.mark.parametrize("scorer", [gzsl_scorer, harmonic_scorer, seen_scorer, unseen_scorer,
                                    zsl_scorer, ausuc_scorer], ids=repr)
def test_scorers_run_pipeline_transformers_once(data, counting_pipe, scorer):
    X, y = _both(data)
    scorer(counting_pipe, X, y)
    assert counting_pipe[0].n_transform_ == 1


def test_evaluate_gzsl_runs_pipeline_transformers_once(data, counting_pipe):
    scores = evaluate_gzsl(counting_pipe, data.X_test_seen, data.y_test_seen,
                           data.X_test_unseen, data.y_test_unseen)
    assert counting_pipe[0].n_transform_ == 1
    direct = evaluate_gzsl(counting_pipe[-1], data.X_test_seen, data.y_test_seen,
                           data.X_test_unseen, data.y_test_unseen)
    assert scores == direct


def test_single_part_scorers_do_not_need_the_other_part(data, recwarn):
    clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    assert 0 <= seen_scorer(clf, data.X_test_seen, data.y_test_seen) <= 1
    assert 0 <= unseen_scorer(clf, data.X_test_unseen, data.y_test_unseen) <= 1
    assert 0 <= zsl_scorer(clf, data.X_test_unseen, data.y_test_unseen) <= 1
    assert not recwarn.list


def test_scorers_match_metric_functions(data):
    clf = ESZSLClassifier(data.class_attributes, seen_bias=0.3).fit(data.X_train, data.y_train)
    X, y = _both(data)
    expected = gzsl_accuracy(y, clf.predict(X), seen_classes=clf.seen_classes_)
    assert gzsl_scorer(clf, X, y) == expected
    assert harmonic_scorer(clf, X, y) == expected["harmonic"]
    assert ausuc_scorer(clf, X, y) == ausuc_score(
        y, clf.compatibility_scores(X), classes=clf.classes_, seen_classes=clf.seen_classes_)
    zsl = per_class_accuracy_score(data.y_test_unseen,
                                   clf.set_params(candidates="unseen").predict(data.X_test_unseen))
    assert zsl_scorer(clf, X, y) == pytest.approx(zsl)


def test_scorers_reach_the_classifier_through_searches(data):
    search = GridSearchCV(ESZSLClassifier(data.class_attributes), {"feature_reg": [1.0]},
                          cv=GZSLKFold(2, random_state=0), scoring=harmonic_scorer)
    search.fit(data.X_train, data.y_train)
    tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes), cv=2,
                                      random_state=0).fit(data.X_train, data.y_train)
    X, y = _both(data)
    assert harmonic_scorer(search, X, y) == harmonic_scorer(search.best_estimator_, X, y)
    assert harmonic_scorer(tuned, X, y) == harmonic_scorer(tuned.estimator_, X, y)


@pytest.mark.parametrize("scorer, missing", [
    (gzsl_scorer, "unseen"), (harmonic_scorer, "seen"), (ausuc_scorer, "unseen"),
    (seen_scorer, "seen"), (unseen_scorer, "unseen"), (zsl_scorer, "unseen"),
], ids=repr)
def test_scorers_need_the_parts_they_score(data, scorer, missing):
    clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    X, y = ((data.X_test_seen, data.y_test_seen) if missing == "unseen"
            else (data.X_test_unseen, data.y_test_unseen))
    with pytest.raises(ValueError, match=f"no {missing}-class sample"):
        scorer(clf, X, y)


def test_scorer_factory_validates_and_pickles():
    with pytest.raises(ValueError, match="metric"):
        make_gzsl_scorer("accuracy")
    scorer = pickle.loads(pickle.dumps(harmonic_scorer))
    assert repr(scorer) == "make_gzsl_scorer('harmonic')"


def test_scorer_rejects_non_gzsl_estimators(data):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(data.X_train, data.y_train)
    with pytest.raises(TypeError, match="not a fitted skzsl GZSL classifier"):
        gzsl_scorer(model, data.X_test_seen, data.y_test_seen)
