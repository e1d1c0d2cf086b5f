"""scikit-learn's common estimator checks over every public skzsl estimator.

Estimators are found automatically (``skzsl.utils.all_estimators``): a new one is
checked without touching this file. Three tables, as in scikit-learn:

- ``FAST_PARAMS``: constructor parameters that keep each check fast.
- ``EXPECTED_FAILED_CHECKS``: checks an estimator is known to fail, with the reason.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skzsl.utils import all_estimators

# Small networks and few epochs: the checks fit each estimator dozens of times.
FAST_PARAMS = {}

# check name -> reason, per estimator class name.
EXPECTED_FAILED_CHECKS = {}


def _instances():
    for name, cls in all_estimators():
        yield cls(**FAST_PARAMS.get(name, {}))


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


@parametrize_with_checks(list(_instances()), expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
