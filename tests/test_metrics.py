import numpy as np
import pytest

from skzsl.metrics import (
    ausuc_score,
    gzsl_accuracy,
    gzsl_report,
    harmonic_mean,
    per_class_accuracy_score,
    seen_unseen_curve,
)


def test_per_class_accuracy_is_mean_of_class_accuracies():
    # class a: 3/4 right, class b: 0/1 right -> (0.75 + 0) / 2, not 3/5
    y_true = ["a", "a", "a", "a", "b"]
    y_pred = ["a", "a", "a", "b", "a"]
    assert per_class_accuracy_score(y_true, y_pred) == pytest.approx(0.375)
    assert per_class_accuracy_score(y_true, y_pred, labels=["b"]) == 0.0
    assert np.isnan(per_class_accuracy_score([], []))


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


def test_gzsl_accuracy_without_unseen_samples_is_nan():
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


def test_gzsl_report_text_and_frame():
    frame = gzsl_report([0, 0, 1, 2], [0, 0, 2, 2], seen_classes=[0, 1], output_dict=True)
    assert frame.loc["seen", "accuracy"] == 0.5
    assert frame.loc["unseen", "n_samples"] == 1
    text = gzsl_report([0, 0, 1, 2], [0, 0, 2, 2], seen_classes=[0, 1])
    assert "harmonic" in text and "0.6667" in text
