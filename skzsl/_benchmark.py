"""The method registry of the ``skzsl`` command: names, settings and grids.

:func:`run_protocol` runs a method by name through the public validation-only
protocol, :func:`skzsl.model_selection.gzsl_protocol`.
"""

import numpy as np

import skzsl

from .model_selection import gzsl_protocol

__all__ = ["DEFAULT_METHODS", "METHODS", "QUICK", "REGION_METHODS", "method_settings",
           "run_protocol", "format_table"]

_GRID = [10.0 ** k for k in range(-3, 4)]
# the generative backbone at a CPU budget (f-VAEGAN, one critic step), with the
# settings chosen on SUN's validation classes (BENCHMARKS.md)
# (the backbone as (class name, parameters): built when the method runs, torch only then)
_GENERATIVE = dict(backbone=("FVAEGAN", dict(hidden_dim=512, n_critic=1, batch_size=128, lr=1e-3,
                                             semantic_scaling="standard")),
                   classifier_lr=3e-3, classifier_max_epochs=20, n_synthetic_per_class=100,
                   n_synthetic_seen_per_class=50, max_epochs=30)

# Every setting of every method is in this file, in METHODS and QUICK.
# name -> (skzsl estimator class name, full-size fixed parameters, grid searched on
# validation); the class is imported when the method runs (torch only then)
METHODS = {
    "eszsl": ("ESZSLClassifier", {}, {"feature_reg": _GRID, "semantic_reg": _GRID}),
    "sae": ("SAEClassifier", {}, {"reg": [0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0],
                                  "direction": ["s2f", "f2s"]}),
    "clswgan": ("CLSWGANClassifier", _GENERATIVE, {}),
    "sddn": ("SDDNClassifier", {**_GENERATIVE, "hidden_dim": 512, "embedding_dim": 256,
                                "latent_dim": 64, "fusion": "visual"}, {}),
    "semantic_kd": ("SemanticKDClassifier", {**_GENERATIVE, "hidden_dim": 512}, {}),
    "msdn": ("MSDNClassifier", {"max_epochs": 30}, {"lr": [3e-3, 1e-2]}),
    "msdn++": ("MSDNPlusPlusClassifier", {"max_epochs": 30}, {"lr": [3e-3, 1e-2]}),
}

# The CPU-budget settings that `skzsl benchmark` uses unless --full: name -> (parameters
# that override METHODS' fixed ones, grid searched on validation). Fixed in advance on
# the validation digits of load_moving_digits_zsl (train digits 0/1/2/5/8, validation
# digits 4/6), never on test; BENCHMARKS.md ("skzsl benchmark") has the measurements.
# generative: a third of the epochs (SDDN's choice among three budgets; clswgan and
# semantic_kd take the same budget without a check of their own)
_QUICK_GENERATIVE = dict(max_epochs=10, classifier_max_epochs=10)
_QUICK_ATTENTION = dict(max_epochs=30, trainable_embeddings=False, calibration_margin=0.0,
                        calibration_weight=1.0, lr=3e-3)
QUICK = {
    "eszsl": ({}, METHODS["eszsl"][2]),
    "sae": ({}, METHODS["sae"][2]),
    "clswgan": (_QUICK_GENERATIVE, {}),
    "sddn": (_QUICK_GENERATIVE, {}),
    "semantic_kd": (_QUICK_GENERATIVE, {}),
    "msdn": (_QUICK_ATTENTION, {}),
    "msdn++": (_QUICK_ATTENTION, {}),
}

# what `skzsl benchmark` runs without --methods: one or two of each family
DEFAULT_METHODS = ("eszsl", "sae", "sddn", "msdn")

# methods whose fits train a neural network (torch; minutes on a CPU at full size)
NEURAL_METHODS = {"clswgan", "sddn", "semantic_kd", "msdn", "msdn++"}

# methods that take region features (n_samples, n_regions, n_features)
REGION_METHODS = {"msdn", "msdn++"}


def method_settings(method, full=False):
    """Estimator class, fixed parameters and search grid of a method.

    Parameters
    ----------
    method : str
        A key of :data:`METHODS`.
    full : bool, default=False
        The full-size settings of :data:`METHODS`; else the CPU-budget
        settings of :data:`QUICK` on top of them.

    Returns
    -------
    cls : type
        The skzsl estimator class (imported now).
    fixed : dict
        Fixed parameters.
    grid : dict
        Grid searched on validation classes.
    """
    class_name, fixed, grid = METHODS[method]
    if not full:
        quick, grid = QUICK[method]
        fixed = {**fixed, **quick}
    fixed = dict(fixed)
    if isinstance(fixed.get("backbone"), tuple):
        from . import generative

        kind, params = fixed["backbone"]
        fixed["backbone"] = getattr(generative, kind)(**params)
    return getattr(skzsl, class_name), fixed, dict(grid)


def _peak_rss_mib():
    # resource is Unix-only: imported here, so that importing skzsl works on Windows
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_protocol(method, data, *, params=None, param_grid=None, random_state=0, n_jobs=None,
                 full=True, verbose=0, progress=None):
    """:func:`~skzsl.model_selection.gzsl_protocol` for a method of :data:`METHODS`, by name.

    ``method`` is a key of :data:`METHODS` (built with :func:`method_settings`
    at its full-size settings, or its CPU-budget ones when ``full=False``,
    overridden by ``params``, searched over its grid unless ``param_grid`` is
    given, with the estimator's ``verbose``) or an unfitted skzsl estimator.
    The other arguments are ``gzsl_protocol``'s. Returns its result with the
    method's name and the process's peak resident memory in MiB.
    """
    if isinstance(method, str):
        cls, fixed, grid = method_settings(method, full=full)
        estimator = cls(**{**fixed, **(params or {})})
        if "verbose" in estimator.get_params():
            estimator.set_params(verbose=verbose)
        name = method
    else:
        estimator, grid, name = method, {}, type(method).__name__
    result = gzsl_protocol(estimator, data, param_grid=grid if param_grid is None else param_grid,
                           random_state=random_state, n_jobs=n_jobs, progress=progress)
    return {"method": name, **result, "peak_rss_MiB": _peak_rss_mib()}


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
