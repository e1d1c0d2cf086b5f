"""Honest early stopping: validation H on held-out training classes, best epoch restored."""

import warnings
from unittest.mock import patch

import numpy as np
import pytest
from generative._fast import FAST  # tests/ is on sys.path (rootdir-relative imports)
from scipy.special import log_softmax

from skzsl.attention import MSDNClassifier
from skzsl.datasets import make_zsl_classification
from skzsl.generative import CLSWGANClassifier
from skzsl.model_selection import GZSLKFold, PredefinedClassSplit

# validation H scripted per epoch: best at epoch 2, then 3 validations without improvement
CURVE = [0.2, 0.9, 0.3, 0.4, 0.1, 0.05, 0.95, 0.99]


@pytest.fixture(scope="module")
def flat():
    return make_zsl_classification(random_state=0)


@pytest.fixture(scope="module")
def regions():
    return make_zsl_classification(n_samples=200, n_features=8, n_classes=8,
                                   n_unseen_classes=2, n_attributes=5, n_regions=3,
                                   random_state=0)


def _scripted_fit(est, X, y):
    """Fit with validation H replaced by CURVE; return the validation scores of each epoch."""
    seen = []

    def scripted(y_true, scores, classes, seen_classes):
        seen.append(np.array(scores, dtype=np.float64))
        return CURVE[len(seen) - 1]

    with patch("skzsl._early_stopping.best_validation_h", scripted), warnings.catch_warnings():
        warnings.simplefilter("error")        # an early stop is not an interruption
        est.fit(X, y)
    return seen


def _validation_fold(data, random_state=0):
    _, validation = next(GZSLKFold(5, random_state=random_state).split(data.X_train,
                                                                       data.y_train))
    return data.X_train[validation]


@pytest.mark.parametrize("name", ["MSDNClassifier", "CLSWGANClassifier"])
def test_early_stopping_restores_the_best_epoch_not_the_last(name, flat, regions):
    if name == "MSDNClassifier":
        data = regions
        est = MSDNClassifier(regions.class_attributes, max_epochs=8, batch_size=32, lr=5e-2,
                             verbose=0, random_state=0, device="cpu", early_stopping=True,
                             patience=3)
    else:
        data = flat
        # the validation H is scripted: the classifiers' accuracy plays no part
        est = CLSWGANClassifier(flat.class_attributes, **{**FAST[name], "max_epochs": 8,
                                                          "classifier_max_epochs": 2,
                                                          "early_stopping": True,
                                                          "patience": 3})
    scores = _scripted_fit(est, data.X_train, data.y_train)
    net = est.net_ if name == "MSDNClassifier" else est.generator_net_
    # skorch's EarlyStopping stopped after epoch 5 (3 validations without improvement)
    assert len(scores) == 5 and len(net.history) == 5
    np.testing.assert_allclose(net.history[:, "valid_h"], CURVE[:5])
    assert est.best_epoch_ == 2
    final = est.compatibility_scores(_validation_fold(data))
    if name == "CLSWGANClassifier":      # validation scored logits, prediction log-probabilities
        scores = [log_softmax(s, axis=1) for s in scores]
    np.testing.assert_allclose(final, scores[1], rtol=1e-4, atol=1e-4)
    assert not np.allclose(final, scores[-1], rtol=1e-4, atol=1e-4)


def test_validation_every_k_epochs_and_a_given_split(flat):
    classes = np.unique(flat.y_train)
    split = PredefinedClassSplit(classes[2:], classes[:2], random_state=0)
    est = CLSWGANClassifier(flat.class_attributes, **{**FAST["CLSWGANClassifier"],
                                                      "max_epochs": 5, "early_stopping": split,
                                                      "validation_every": 2, "patience": 5,
                                                      "classifier_max_epochs": 2})
    est.fit(flat.X_train, flat.y_train)
    h = est.generator_net_.history[:, "valid_h"]
    # epochs 2, 4 and the last are scored; the others are not (NaN)
    assert np.isnan(h[0]) and np.isnan(h[2]) and np.isfinite([h[1], h[3], h[4]]).all()
    assert 0 <= np.nanmax(h) <= 1
    # the held-out classes are unseen to the fitted model
    assert set(est.unseen_classes_) >= set(classes[:2])
    assert set(est.seen_classes_) == set(classes[2:])


def test_a_split_that_holds_out_no_class_is_an_error(flat):
    from sklearn.model_selection import KFold

    est = CLSWGANClassifier(flat.class_attributes, **{**FAST["CLSWGANClassifier"],
                                                      "early_stopping": KFold(3)})
    with pytest.raises(ValueError, match="holds out whole classes"):
        est.fit(flat.X_train, flat.y_train)
