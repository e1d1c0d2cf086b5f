"""Common checks over every public skzsl estimator, found automatically.

``skzsl.utils.all_estimators`` walks the package, so a new estimator is checked
without touching this file. Two tables, as in scikit-learn's
``_test_common/instance_generator.py``:

- ``FAST_PARAMS``: constructor parameters that keep the checks fast (small
  networks, few epochs, no progress bar).
- ``EXPECTED_FAILED_CHECKS``: scikit-learn checks an estimator is known to fail,
  each with its reason.

Meta-estimators take their sub-estimator from ``META_ESTIMATOR_PARAMS``, as
scikit-learn's ``INIT_PARAMS`` gives ``TunedThresholdClassifierCV`` a
``LogisticRegression``.

Every GZSL classifier also runs skzsl's own domain checks
(``skzsl.utils.estimator_checks``).
"""

import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

from skzsl.base import BaseGZSLClassifier
from skzsl.embedding import ESZSLClassifier
from skzsl.generative import FVAEGAN
from skzsl.utils import all_estimators
from skzsl.utils.estimator_checks import GZSL_CHECKS

# Small networks and few epochs: the checks fit each estimator dozens of times.
# 10 epochs at 3e-3: above chance on unseen classes for every seed tried (0-4) in the
# GZSL domain checks; 5 at 1e-3 was at chance for some
_GENERATIVE = dict(
    backbone=FVAEGAN(hidden_dim=32, n_critic=1, batch_size=32, lr=3e-3),
    max_epochs=10,
    n_synthetic_per_class=20,
    classifier_max_epochs=20,
    classifier_batch_size=32,
    classifier_lr=5e-2,
    verbose=0,
    random_state=0,
    device="cpu",
)
FAST_PARAMS = {
    "MSDNClassifier": dict(
        max_epochs=5,
        batch_size=100,
        lr=5e-2,
        normalize_features=False,
        verbose=0,
        random_state=0,
        device="cpu",
    ),
    "MSDNPlusPlusClassifier": dict(
        max_epochs=5,
        batch_size=100,
        lr=5e-2,
        normalize_features=False,
        verbose=0,
        random_state=0,
        device="cpu",
    ),
    "CLSWGANClassifier": dict(_GENERATIVE),
    "SDDNClassifier": dict(_GENERATIVE, hidden_dim=32, embedding_dim=16, semantic_dim=8,
                           residual_dim=8),
    "SemanticKDClassifier": dict(_GENERATIVE, hidden_dim=32),
    "SelfDistillationRefiner": dict(
        embedding_dim=8, hidden_dim=16, max_epochs=5, verbose=0, random_state=0, device="cpu"
    ),
    "VisualSemanticDisentangler": dict(
        semantic_dim=4,
        residual_dim=4,
        hidden_dim=16,
        max_epochs=5,
        verbose=0,
        random_state=0,
        device="cpu",
    ),
}

# Constructor parameters of meta-estimators. The common checks' one-hot tables
# leave no unseen class, so TunedSeenBiasClassifierCV warns that there is no bias
# to tune and fits the estimator alone; its tuning is tested in test_model_selection.
META_ESTIMATOR_PARAMS = {
    "TunedSeenBiasClassifierCV": dict(estimator=ESZSLClassifier(), random_state=0),
}

# estimator class name -> {check name: reason}
EXPECTED_FAILED_CHECKS = {}


def _instances():
    for name, cls in all_estimators():
        yield cls(**FAST_PARAMS.get(name, {}), **META_ESTIMATOR_PARAMS.get(name, {}))


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


def _is_neural(estimator):
    # the torch estimators train networks in every check: the slow part of the suite
    return "device" in estimator.get_params()


_ALL = list(_instances())
_FAST = [est for est in _ALL if not _is_neural(est)]
_NEURAL = [est for est in _ALL if _is_neural(est)]
# the common checks' one-hot tables leave TunedSeenBiasClassifierCV nothing to tune
_NOTHING_TO_TUNE = "ignore:Every class of the class table:UserWarning"


@pytest.mark.filterwarnings(_NOTHING_TO_TUNE)
@parametrize_with_checks(_FAST, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.slow
@parametrize_with_checks(_NEURAL, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_neural_estimator(estimator, check):
    check(estimator)


_GZSL = [pytest.param(clone(est), id=type(est).__name__,
                      marks=[pytest.mark.slow] if _is_neural(est) else [])
         for est in _ALL if isinstance(est, BaseGZSLClassifier)]


@pytest.mark.parametrize("estimator", _GZSL)
@pytest.mark.parametrize("check", GZSL_CHECKS, ids=lambda check: check.__name__)
def test_gzsl_domain_checks(estimator, check):
    check(type(estimator).__name__, estimator)
