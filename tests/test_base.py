import numpy as np
import pandas as pd
import pytest

from skzsl.datasets import make_zsl_classification
from skzsl.embedding import ESZSLClassifier


@pytest.fixture(scope="module")
def data():
    return make_zsl_classification(random_state=0)


def test_class_bookkeeping(data):
    clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    np.testing.assert_array_equal(clf.classes_, np.arange(10))
    np.testing.assert_array_equal(clf.seen_classes_, np.unique(data.y_train))
    np.testing.assert_array_equal(clf.unseen_classes_, data.unseen_classes)
    assert clf.predict_proba(data.X_test_seen).shape == (len(data.X_test_seen), 10)


def test_set_params_after_fit_changes_predictions_without_refit(data):
    clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    coef = clf.coef_.copy()
    X = np.concatenate([data.X_test_seen, data.X_test_unseen])
    before = clf.predict(X)
    after = clf.set_params(seen_bias=10.0).predict(X)
    assert np.isin(after, clf.unseen_classes_).all() and not np.array_equal(before, after)
    np.testing.assert_array_equal(clf.coef_, coef)


def test_seen_bias_subtracts_from_seen_columns_only(data):
    clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    raw = clf.decision_function(data.X_test_seen)
    shifted = clf.set_params(seen_bias=0.3).decision_function(data.X_test_seen)
    seen = np.isin(clf.classes_, clf.seen_classes_)
    np.testing.assert_allclose(raw[:, seen] - 0.3, shifted[:, seen])
    np.testing.assert_allclose(raw[:, ~seen], shifted[:, ~seen])


def test_candidates_unseen_without_unseen_classes_is_explained():
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = np.repeat([0, 1], 10)
    clf = ESZSLClassifier(candidates="unseen").fit(X, y)
    with pytest.raises(ValueError, match="no unseen class"):
        clf.predict(X)


def test_binary_decision_function_is_one_column():
    X = np.random.default_rng(0).normal(size=(20, 3))
    y = np.repeat(["a", "b"], 10)
    clf = ESZSLClassifier().fit(X, y)
    scores = clf.decision_function(X)
    assert scores.shape == (20,)
    np.testing.assert_array_equal(clf.predict(X), np.where(scores > 0, "b", "a"))


def test_table_with_extra_classes_as_dict_and_string_labels():
    rng = np.random.default_rng(0)
    table = {"cat": [1.0, 0.0], "dog": [0.0, 1.0], "fox": [1.0, 1.0]}
    X = rng.normal(size=(20, 4))
    y = np.array(["cat", "dog"] * 10)
    clf = ESZSLClassifier(table).fit(X, y)
    assert clf.classes_.tolist() == ["cat", "dog", "fox"]
    assert clf.unseen_classes_.tolist() == ["fox"]


def test_region_shaped_input_is_refused_by_vector_estimators():
    X = np.zeros((10, 2, 3))
    with pytest.raises(ValueError, match="dim"):
        ESZSLClassifier().fit(X, np.repeat([0, 1], 5))


def test_params_are_not_validated_in_init():
    clf = ESZSLClassifier(class_attributes="not a table", candidates="bogus")
    assert clf.get_params()["candidates"] == "bogus"
    with pytest.raises(ValueError, match="candidates"):
        clf.fit(np.zeros((4, 2)), [0, 0, 1, 1])


def test_dataframe_table_index_must_match_label_kind():
    table = pd.DataFrame({"a": [1.0, 0.0]}, index=["x", "y"])
    with pytest.raises(ValueError, match="index the table by the same labels"):
        ESZSLClassifier(table).fit(np.zeros((4, 2)), [0, 0, 1, 1])


def test_compatibility_scores_are_raw_scores(data):
    clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    raw = clf.decision_function(data.X_test_seen)
    clf.set_params(seen_bias=2.0, candidates="unseen")
    np.testing.assert_allclose(clf.compatibility_scores(data.X_test_seen), raw)
    with pytest.raises(ValueError, match="features"):
        clf.compatibility_scores(data.X_test_seen[:, :3])


def test_class_table_constraint_names_what_it_takes(data):
    # a bare ndarray has no class labels: refused up front, naming the accepted types
    clf = ESZSLClassifier(data.class_attributes.to_numpy())
    with pytest.raises(ValueError, match="pandas.DataFrame.*dict.*ClassAttributes"):
        clf.fit(data.X_train, data.y_train)
