"""A diverging fit is an error on every neural estimator, found automatically."""

import inspect

import numpy as np
import pytest
from sklearn.base import clone
from test_common import FAST_PARAMS

from skzsl.attention import MSDNClassifier
from skzsl.datasets import make_zsl_classification
from skzsl.exceptions import TrainingDivergedError
from skzsl.generative import SDDNClassifier
from skzsl.utils import all_estimators

# every estimator that trains a net
NEURAL = [(name, cls) for name, cls in all_estimators()
          if "max_epochs" in inspect.signature(cls).parameters]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def flat():
    return make_zsl_classification(random_state=0)


@pytest.fixture(scope="module")
def regions():
    return make_zsl_classification(n_regions=3, random_state=0)


def _diverging(name, cls):
    """The estimator with a learning rate that overflows its first steps."""
    params = dict(FAST_PARAMS[name], max_epochs=2)
    if "backbone" in params:
        params["backbone"] = clone(params["backbone"]).set_params(lr=1e12)
    else:
        params["lr"] = 1e12
    return cls(**params)


def test_every_neural_estimator_is_covered():
    assert {"MSDNClassifier", "CLSWGANClassifier", "SDDNClassifier",
            "SelfDistillationRefiner"} <= {name for name, _ in NEURAL}


@pytest.mark.parametrize("name, cls", NEURAL, ids=[name for name, _ in NEURAL])
def test_a_diverging_fit_is_an_error_naming_where(name, cls, flat, regions):
    data = regions if issubclass(cls, MSDNClassifier) else flat
    est = _diverging(name, cls).set_params(class_attributes=data.class_attributes)
    with pytest.raises(TrainingDivergedError) as info:
        est.fit(data.X_train, data.y_train)
    message = str(info.value)
    # the estimator, the stage, the optimizer group, the epoch and the fix
    assert message.startswith(f"{name}.fit diverged in its ")
    assert "optimizer group" in message and "at epoch 1" in message
    assert "Lower the learning rate" in message
    assert isinstance(info.value, FloatingPointError)


def test_the_error_names_the_non_finite_terms(flat):
    est = _diverging("SDDNClassifier", SDDNClassifier)
    est.set_params(class_attributes=flat.class_attributes)
    with pytest.raises(TrainingDivergedError, match=r"= (nan|inf)"):
        est.fit(flat.X_train, flat.y_train)


@pytest.mark.parametrize("name", ["CLSWGANClassifier", "MSDNClassifier"])
def test_a_refit_without_early_stopping_drops_best_epoch(name, flat, regions):
    cls = dict(all_estimators())[name]
    data = regions if name == "MSDNClassifier" else flat
    est = cls(**{**FAST_PARAMS[name], "max_epochs": 2, "early_stopping": True,
                 "class_attributes": data.class_attributes})
    est.fit(data.X_train, data.y_train)
    assert est.best_epoch_ in (1, 2)
    est.set_params(early_stopping=False).fit(data.X_train, data.y_train)
    assert not hasattr(est, "best_epoch_")
    assert np.isfinite(est.predict_proba(data.X_test_seen)).all()
