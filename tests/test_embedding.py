import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skzsl.datasets import load_digits_zsl
from skzsl.embedding import ESZSLClassifier, SAEClassifier
from skzsl.metrics import zsl_scorer


def test_eszsl_closed_form_hand_computed():
    # one feature, two seen classes with scalar semantics
    X = np.array([[1.0], [2.0], [-1.0]])
    y = np.array([0, 0, 1])
    table = {0: [1.0], 1: [-1.0], 2: [3.0]}
    clf = ESZSLClassifier(table, feature_reg=1.0, semantic_reg=1.0).fit(X, y)
    # V = (X'X + 1)^-1 X'Y S (S'S + 1)^-1; X'X = 6, X'Y = [3, -1], S = [1, -1]'
    # X'YS = 3 + 1 = 4, S'S = 2 -> V = 4 / 7 / 3
    assert clf.coef_.item() == pytest.approx(4 / 21)
    np.testing.assert_allclose(clf.decision_function([[1.0]]), [[4 / 21, -4 / 21, 12 / 21]])


def test_eszsl_matches_closed_form_with_zero_one_labels():
    # the authors' final code uses a 0/1 label matrix; {-1, 1} collapses SUN
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    y = rng.integers(0, 3, size=30)
    S = rng.normal(size=(4, 2))  # classes 0..3, class 3 unseen
    clf = ESZSLClassifier(dict(enumerate(S)), feature_reg=0.5, semantic_reg=2.0).fit(X, y)
    Y = np.eye(3)[y]
    Ss = S[:3]
    V = np.linalg.inv(X.T @ X + 0.5 * np.eye(4)) @ X.T @ Y @ Ss @ np.linalg.inv(
        Ss.T @ Ss + 2.0 * np.eye(2))
    np.testing.assert_allclose(clf.coef_, V, rtol=1e-10)
    np.testing.assert_allclose(clf.decision_function(X), X @ V @ S.T, rtol=1e-10)


def test_sae_solves_its_sylvester_equation():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6))
    y = rng.integers(0, 4, size=40)
    table = {c: rng.normal(size=3) for c in range(4)}
    clf = SAEClassifier(table, reg=0.7).fit(X, y)
    Xc = (X / np.linalg.norm(X, axis=1, keepdims=True)).T
    S = np.array([table[c] for c in y]).T
    W = clf.coef_
    np.testing.assert_allclose(S @ S.T @ W + 0.7 * W @ Xc @ Xc.T, 1.7 * S @ Xc.T, atol=1e-8)


@pytest.mark.parametrize("estimator", [ESZSLClassifier(), SAEClassifier(reg=0.5)])
def test_baselines_recognise_unseen_digits(estimator):
    data = load_digits_zsl()
    clf = estimator.set_params(class_attributes=data.class_attributes)
    clf.fit(data.X_trainval, data.y_trainval)
    assert set(clf.unseen_classes_) == {3, 7, 9}
    assert zsl_scorer(clf, data.X_test_unseen, data.y_test_unseen) > 0.35  # chance is 1/3


def test_pipeline_and_pandas_input():
    data = load_digits_zsl()
    import pandas as pd

    X = pd.DataFrame(data.X_trainval, columns=[f"px{i}" for i in range(64)])
    pipe = make_pipeline(StandardScaler(), ESZSLClassifier(data.class_attributes))
    pipe.fit(X, data.y_trainval)
    assert pipe.predict(X.iloc[:5]).shape == (5,)
    assert list(pipe.classes_) == list(range(10))
