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
from feature_extraction._backbones import TinyBackbone
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
    "SDDNClassifier": dict(_GENERATIVE, hidden_dim=32, embedding_dim=16, latent_dim=8),
    "SemanticKDClassifier": dict(_GENERATIVE, hidden_dim=32),
    "SelfDistillationRefiner": dict(
        embedding_dim=8, hidden_dim=16, max_epochs=5, verbose=0, random_state=0, device="cpu"
    ),
    "ImageFeatureExtractor": dict(
        backbone=TinyBackbone(), image_size=8, verbose=0, device="cpu", n_jobs=1
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

# ImageFeatureExtractor takes images, (n, H, W[, C]) arrays or image files, and
# refuses a 2-D array with an error that says it is a table, not images. The
# checks below feed 2-D tables (or expect an error message about one), so they
# cannot apply; tests/feature_extraction checks what they would on images
# (fit returns self, pickling, idempotent fit, read-only input, row order,
# subset and batch invariance, feature names).
_IMAGES_NOT_TABLES = ("feeds a 2-D table of numbers; ImageFeatureExtractor takes images "
                      "(arrays (n, H, W[, C]) or image files) and refuses tables")
_TABLE_CHECKS = (
    "check_fit_score_takes_y", "check_estimators_overwrite_params",
    "check_dont_overwrite_parameters", "check_estimators_fit_returns_self",
    "check_readonly_memmap_input", "check_n_features_in_after_fitting",
    "check_positive_only_tag_during_fit", "check_estimators_dtypes", "check_dtype_object",
    "check_estimators_empty_data_messages", "check_pipeline_consistency",
    "check_estimators_pickle", "check_f_contiguous_array_estimator",
    "check_transformer_data_not_an_array", "check_transformer_general",
    "check_transformer_preserve_dtypes", "check_methods_sample_order_invariance",
    "check_methods_subset_invariance", "check_fit2d_1sample", "check_fit2d_1feature",
    "check_dict_unchanged", "check_fit_idempotent", "check_fit_check_is_fitted",
    "check_n_features_in", "check_fit2d_predict1d", "check_estimators_nan_inf",
)

# estimator class name -> {check name: reason}
EXPECTED_FAILED_CHECKS = {
    "ImageFeatureExtractor": {check: _IMAGES_NOT_TABLES for check in _TABLE_CHECKS},
}


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
