"""Find every public estimator of skzsl, as ``sklearn.utils.all_estimators`` does."""

import inspect
import pkgutil
from importlib import import_module
from operator import itemgetter

from sklearn.base import BaseEstimator

__all__ = ["all_estimators"]

_SKIP_MODULES = {"tests", "cli", "__main__"}


def all_estimators():
    """Every public, concrete estimator class defined in skzsl.

    Walks the public modules of the package (as scikit-learn does, private
    ``_module`` files are skipped, but what a public ``__init__`` imports from
    them is found), so an estimator added later is found without registering
    it anywhere. Private, abstract and ``Base*`` classes are left out, and so
    are parameter objects without ``fit`` (the generative backbones).

    Returns
    -------
    estimators : list of (name, class) tuples
        Sorted by name.

    Examples
    --------
    >>> from skzsl.utils import all_estimators
    >>> names = [name for name, _ in all_estimators()]
    >>> "ESZSLClassifier" in names
    True
    """
    import skzsl

    found = {}
    for info in pkgutil.walk_packages(skzsl.__path__, prefix="skzsl."):
        parts = info.name.split(".")
        if _SKIP_MODULES.intersection(parts) or any(p.startswith("_") for p in parts):
            continue
        module = import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (issubclass(cls, BaseEstimator) and hasattr(cls, "fit")
                    and cls.__module__.startswith("skzsl.")
                    and not name.startswith(("_", "Base")) and not inspect.isabstract(cls)):
                found[name] = cls
    return sorted(found.items(), key=itemgetter(0))
