"""Per-dataset settings of the generative backbones' reference scripts.

TF-VAEGAN: the official scripts ``scripts/run_{cub,sun,awa,flo}_tfvaegan.py`` of
akshitac8/tfvaegan at ``a0de81c`` (line by line in ``docs/generative_reference.md``).
f-VAEGAN: the same scripts without the TF-VAEGAN parts (one pass per epoch, no
decoder, no feedback), as the official code runs it. f-CLSWGAN: the
third-party refactor luca-rossi/grabzsl (``args.py``), the only per-dataset
settings that could be read, marked as such in the docs.
"""

__all__ = ["GENERATIVE_PRESETS", "generative_preset"]

# shared by every TF-VAEGAN / f-VAEGAN script
_VAEGAN = dict(hidden_dim=4096, n_critic=5, batch_size=64, gp_weight=10.0,
               classifier_max_epochs=25, semantic_scaling="l2", feature_scaling="minmax")


def _table(columns, rows):
    """``{dataset: {column: value}}`` from one row of values per dataset."""
    return {name: dict(zip(columns, values, strict=True)) for name, values in rows.items()}


# scripts/run_*_tfvaegan.py L8-14
_TFVAEGAN = _table(
    ("random_state", "max_epochs", "lr", "critic_weight", "adversarial_weight",
     "encoded_noise", "decoder_weight", "feedback_weight", "synthesis_feedback_weight",
     "decoder_lr", "feedback_lr", "freeze_decoder", "n_synthetic_per_class",
     "classifier_batch_size", "classifier_lr"),
    {"CUB": (3483, 300, 1e-4, 10.0, 10.0, True, 0.01, 1.0, 1.0, 1e-4, 1e-5, False, 300, 300,
             1e-3),
     "SUN": (4115, 400, 1e-3, 1.0, 1.0, True, 0.01, 0.1, 0.01, 1e-4, 1e-4, False, 400, 400,
             5e-4),
     "AWA2": (9182, 120, 1e-5, 10.0, 10.0, True, 0.1, 0.01, 0.01, 1e-4, 1e-4, True, 1800, 1800,
              1e-3),
     "FLO": (806, 500, 1e-4, 10.0, 10.0, False, 0.01, 0.5, 0.5, 1e-4, 1e-5, False, 1200, 1200,
             1e-3)})
_TF_ONLY = ("decoder_weight", "feedback_weight", "synthesis_feedback_weight", "decoder_lr",
            "feedback_lr", "freeze_decoder")
# grabzsl args.py L5-77 (third party): fixed GP weight, prior noise, L_CLS
_CLSWGAN = _table(
    ("random_state", "max_epochs", "lr", "n_synthetic_per_class", "classifier_batch_size",
     "classifier_lr", "classification_weight"),
    {"CUB": (3483, 56, 1e-4, 300, 300, 1e-3, 0.01),
     "SUN": (4115, 40, 2e-4, 400, 400, 1e-3, 0.01),
     "AWA2": (9182, 30, 1e-5, 1800, 1800, 1e-3, 0.01),
     "FLO": (806, 80, 1e-4, 1200, 1200, 1e-3, 0.1)})

GENERATIVE_PRESETS = {
    "tfvaegan": {name: dict(_VAEGAN, backbone="tfvaegan", **values)
                 for name, values in _TFVAEGAN.items()},
    "fvaegan": {name: dict(_VAEGAN, backbone="fvaegan",
                           **{k: v for k, v in values.items() if k not in _TF_ONLY})
                for name, values in _TFVAEGAN.items()},
    "clswgan": {name: dict(_VAEGAN, backbone="clswgan", **values)
                for name, values in _CLSWGAN.items()},
}


def generative_preset(dataset, backbone="clswgan"):
    """A reference script's settings for a dataset, as constructor parameters.

    Parameters
    ----------
    dataset : {"CUB", "SUN", "AWA2", "FLO"}
        Dataset (case-insensitive; "AWA" means AWA2).
    backbone : {"clswgan", "fvaegan", "tfvaegan"}, default="clswgan"
        Whose scripts: f-CLSWGAN's (a third-party refactor), f-VAEGAN's (the
        official TF-VAEGAN scripts without the TF-VAEGAN parts) or
        TF-VAEGAN's official ones. The default is the estimators' default
        backbone.

    Returns
    -------
    params : dict
        Fresh constructor parameters of the generative estimators:
        ``backbone`` (a :class:`CLSWGAN`, :class:`FVAEGAN` or
        :class:`TFVAEGAN` with the script's values) and the estimator's own
        (``max_epochs``, ``random_state``, the final classifier's settings).

    Examples
    --------
    >>> from skzsl.generative import generative_preset
    >>> params = generative_preset("sun", backbone="tfvaegan")
    >>> params["backbone"].lr, params["n_synthetic_per_class"]
    (0.001, 400)
    """
    from ._backbones import BACKBONES

    if backbone not in GENERATIVE_PRESETS:
        raise ValueError(f"Unknown backbone {backbone!r}; presets exist for "
                         f"{sorted(GENERATIVE_PRESETS)}.")
    key = str(dataset).upper()
    key = {"AWA": "AWA2"}.get(key, key)
    if key not in GENERATIVE_PRESETS[backbone]:
        raise ValueError(f"Unknown dataset {dataset!r}; the {backbone} scripts cover "
                         f"{sorted(GENERATIVE_PRESETS[backbone])}.")
    settings = dict(GENERATIVE_PRESETS[backbone][key])
    kind = BACKBONES[settings.pop("backbone")]
    names = kind().get_params()
    backbone_params = {name: settings.pop(name) for name in list(settings) if name in names}
    return {"backbone": kind(**backbone_params), **settings}
