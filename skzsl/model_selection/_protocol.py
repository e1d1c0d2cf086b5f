"""The validation-only evaluation protocol: select on validation classes, score test once.

1. Hyperparameters and ``seen_bias`` are chosen on the trainval split only:
   a class-disjoint validation split (:func:`validation_cv`: the dataset's own
   train/val classes when it has them, else :class:`GZSLKFold`).
   ``GridSearchCV`` compares combinations each at its own bias, tuned by
   :class:`TunedSeenBiasClassifierCV`.
2. The chosen model is fitted on all of trainval, its bias tuned on the
   validation split.
3. It is scored once on the test splits: ZSL T1, GZSL S / U / H, AUSUC.
"""

import time

from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, ParameterGrid

from ..metrics import evaluate_gzsl, harmonic_scorer
from ._seen_bias import TunedSeenBiasClassifierCV
from ._split import GZSLKFold, PredefinedClassSplit

__all__ = ["gzsl_protocol", "validation_cv"]


def validation_cv(data, random_state=0):
    """The class-disjoint validation splitter of a dataset.

    Parameters
    ----------
    data : Bunch
        A dataset as skzsl's loaders return it.
    random_state : int, default=0
        Seeds the splitter.

    Returns
    -------
    cv : PredefinedClassSplit or GZSLKFold
        The dataset's own train/val class split when it has one
        (``train_classes`` and ``val_classes``), else ``GZSLKFold(3)`` over
        the trainval classes. Test classes are never part of it.

    Examples
    --------
    >>> from skzsl.datasets import load_digits_zsl
    >>> from skzsl.model_selection import validation_cv
    >>> type(validation_cv(load_digits_zsl())).__name__
    'PredefinedClassSplit'
    """
    if data.get("train_classes") is not None and data.get("val_classes") is not None:
        return PredefinedClassSplit(data.train_classes, data.val_classes,
                                    random_state=random_state)
    return GZSLKFold(3, random_state=random_state)


def _silent(stage, **info):
    pass


def gzsl_protocol(estimator, data, *, param_grid=None, random_state=0, n_jobs=None,
                  progress=None):
    """Select on validation classes, refit on trainval, score on test once.

    Parameters
    ----------
    estimator : estimator
        An unfitted skzsl classifier; its ``class_attributes`` become the
        dataset's and its ``random_state`` (if any) ``random_state``.
    data : Bunch
        A dataset as returned by skzsl's loaders (``X_trainval``,
        ``y_trainval``, test splits, ``class_attributes`` and optionally
        ``train_classes`` / ``val_classes``).
    param_grid : dict, default=None
        Grid searched on the validation split (each combination at its own
        tuned bias); ``None`` searches nothing.
    random_state : int, default=0
        Seeds the validation split, the bias tuning and the estimator.
    n_jobs : int, default=None
        Parallel fits during selection.
    progress : callable, default=None
        Called as ``progress(stage, **info)`` before each stage: ``"select"``
        (``n_settings``, ``n_splits``), ``"refit"`` (``select_s``, seconds of
        the selection) and ``"score"``.

    Returns
    -------
    result : dict
        Chosen parameters and bias, validation H (held out from the bias
        choice: ``TunedSeenBiasClassifierCV.best_score_``), test ZSL T1, S, U,
        H, AUSUC, seconds of the final fit (bias tuning included) and of the
        search, and the fitted estimator.

    Examples
    --------
    >>> from skzsl.datasets import load_digits_zsl
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.model_selection import gzsl_protocol
    >>> result = gzsl_protocol(ESZSLClassifier(), load_digits_zsl(),
    ...                        param_grid={"feature_reg": [0.1, 1.0]})
    >>> sorted(result["params"]), 0 <= result["H"] <= 1
    (['feature_reg'], True)
    """
    progress = progress or _silent
    grid = param_grid or {}
    estimator = clone(estimator).set_params(class_attributes=data.class_attributes)
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=random_state)
    cv = validation_cv(data, random_state)
    n_settings = len(ParameterGrid(grid)) if grid else 1
    progress("select", n_settings=n_settings,
             n_splits=cv.get_n_splits(data.X_trainval, data.y_trainval))
    start = time.perf_counter()
    best_params = {}
    if grid:
        search = GridSearchCV(
            TunedSeenBiasClassifierCV(estimator, random_state=random_state),
            {f"estimator__{key}": values for key, values in grid.items()},
            scoring=harmonic_scorer, refit=False, cv=cv, n_jobs=n_jobs,
        ).fit(data.X_trainval, data.y_trainval)
        best_params = {key.removeprefix("estimator__"): value
                       for key, value in search.best_params_.items()}
    select_seconds = time.perf_counter() - start
    final = TunedSeenBiasClassifierCV(clone(estimator).set_params(**best_params), cv=cv,
                                      random_state=random_state, n_jobs=n_jobs)
    progress("refit", select_s=select_seconds)
    start = time.perf_counter()
    final.fit(data.X_trainval, data.y_trainval)
    fit_seconds = time.perf_counter() - start
    progress("score")
    test = evaluate_gzsl(final, data.X_test_seen, data.y_test_seen,
                         data.X_test_unseen, data.y_test_unseen)
    return {
        "params": best_params,
        "seen_bias": final.best_seen_bias_,
        "val_H": final.best_score_,
        "ZSL_T1": test["zsl"],
        "S": test["seen"],
        "U": test["unseen"],
        "H": test["harmonic"],
        "AUSUC": test["ausuc"],
        "fit_s": fit_seconds,
        "select_s": select_seconds,
        "estimator": final.estimator_,
    }
