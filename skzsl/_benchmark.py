"""The validation-only evaluation protocol shared by the ``skzsl`` command and ``benchmarks/``.

1. Hyperparameters and ``seen_bias`` are chosen on the trainval split only:
   a class-disjoint validation split (the dataset's own train/val classes when
   it has them, else :class:`~skzsl.model_selection.GZSLKFold`).
2. The chosen model is refitted on all of trainval.
3. It is scored once on the test splits: ZSL T1, GZSL S / U / H, AUSUC.
"""

import resource
import time

import numpy as np
from sklearn.base import clone

from .attention import MSDNClassifier, MSDNPlusPlusClassifier
from .embedding import ESZSLClassifier, SAEClassifier
from .generative import CLSWGANClassifier, SDDNClassifier, SemanticKDClassifier
from .metrics import evaluate_gzsl
from .model_selection import GZSLKFold, PredefinedClassSplit, select_hyperparameters

__all__ = ["METHODS", "REGION_METHODS", "validation_split", "run_protocol", "format_table"]

_GRID = [10.0 ** k for k in range(-3, 4)]
# the generative backbone at a CPU budget (f-VAEGAN, one critic step), with the
# settings chosen on SUN's validation classes (BENCHMARKS.md)
_GENERATIVE = dict(backbone="vaegan", hidden_dim=512, n_critic=1, batch_size=128, lr=1e-3,
                   classifier_lr=3e-3, classifier_max_epochs=20, n_synthetic_per_class=100,
                   n_synthetic_seen_per_class=50, semantic_scaling="standard", max_epochs=30)

# name -> (estimator class, fixed parameters, hyperparameter grid searched on validation)
METHODS = {
    "eszsl": (ESZSLClassifier, {}, {"feature_reg": _GRID, "semantic_reg": _GRID}),
    "sae": (SAEClassifier, {}, {"reg": [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0],
                                "direction": ["s2f", "f2s"]}),
    "clswgan": (CLSWGANClassifier, _GENERATIVE, {}),
    "sddn": (SDDNClassifier, {**_GENERATIVE, "module_hidden_dim": 512, "embedding_dim": 256,
                              "semantic_dim": 64, "residual_dim": 64, "fusion": "visual"}, {}),
    "semantic_kd": (SemanticKDClassifier, {**_GENERATIVE, "regressor_hidden_dim": 512}, {}),
    "msdn": (MSDNClassifier, {"max_epochs": 30}, {"lr": [3e-3, 1e-2]}),
    "msdn++": (MSDNPlusPlusClassifier, {"max_epochs": 30}, {"lr": [3e-3, 1e-2]}),
}

# methods that take region features (n_samples, n_regions, n_features)
REGION_METHODS = {"msdn", "msdn++"}


def validation_split(data, random_state=0):
    """The class-disjoint validation splitter for a dataset Bunch.

    Uses the dataset's own train/val class split when it has one, else
    ``GZSLKFold(3)`` over the trainval classes.
    """
    if data.get("train_classes") is not None and data.get("val_classes") is not None:
        return PredefinedClassSplit(data.train_classes, data.val_classes,
                                    random_state=random_state)
    return GZSLKFold(3, random_state=random_state)


def _peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_protocol(method, data, *, params=None, param_grid=None, random_state=0, n_jobs=None):
    """Select on validation, refit on trainval, score on test; one result row.

    Parameters
    ----------
    method : str or estimator
        A key of :data:`METHODS` or an unfitted skzsl estimator.
    data : Bunch
        A dataset as returned by skzsl's loaders (``X_trainval``, ``y_trainval``,
        test splits, ``class_attributes`` and optionally ``train_classes`` /
        ``val_classes``).
    params : dict, default=None
        Fixed parameters (override those of :data:`METHODS`).
    param_grid : dict, default=None
        Grid to search (default: the method's grid in :data:`METHODS`).
    random_state : int, default=0
        Seeds the validation split and the estimator when it has ``random_state``.
    n_jobs : int, default=None
        Parallel fits during selection.

    Returns
    -------
    row : dict
        Method name, chosen parameters and bias, validation H, test ZSL T1,
        S, U, H, AUSUC, seconds of the final fit and of the whole selection,
        and the process's peak resident memory in MiB.
    """
    if isinstance(method, str):
        cls, fixed, grid = METHODS[method]
        estimator = cls(**{**fixed, **(params or {})})
        if "verbose" in estimator.get_params():
            estimator.set_params(verbose=0)
        name = method
    else:
        estimator, grid, name = method, {}, type(method).__name__
    if param_grid is not None:
        grid = param_grid
    estimator = clone(estimator).set_params(class_attributes=data.class_attributes)
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=random_state)

    start = time.perf_counter()
    search = select_hyperparameters(estimator, grid, data.X_trainval, data.y_trainval,
                                    cv=validation_split(data, random_state), refit=False,
                                    n_jobs=n_jobs)
    select_seconds = time.perf_counter() - start
    final = clone(estimator).set_params(**search.best_params, seen_bias=search.seen_bias)
    start = time.perf_counter()
    final.fit(data.X_trainval, data.y_trainval)
    fit_seconds = time.perf_counter() - start
    test = evaluate_gzsl(final, data.X_test_seen, data.y_test_seen,
                         data.X_test_unseen, data.y_test_unseen)
    return {
        "method": name,
        "params": search.best_params,
        "seen_bias": search.seen_bias,
        "val_H": search.best_score,
        "ZSL_T1": test["zsl"],
        "S": test["seen"],
        "U": test["unseen"],
        "H": test["harmonic"],
        "AUSUC": test["ausuc"],
        "fit_s": fit_seconds,
        "select_s": select_seconds,
        "peak_rss_MiB": _peak_rss_mib(),
        "estimator": final,
    }


def format_table(rows, columns=("method", "ZSL_T1", "S", "U", "H", "AUSUC", "fit_s")):
    """Rows of :func:`run_protocol` as a markdown table."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = []
        for col in columns:
            value = row[col]
            cells.append(f"{value:.3f}" if isinstance(value, (float, np.floating)) else str(value))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
