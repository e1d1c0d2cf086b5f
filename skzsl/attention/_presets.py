"""Per-dataset hyperparameters of the official MSDN training scripts.

Read from shiming-chen/MSDN (``MSDN_cub.py``, ``MSDN_awa2.py``, ``MSDN_sun.py``,
``config/test_*.json``); see ``docs/attention_notes.md`` for the table and the
settings skzsl does not reproduce. The AWA2 and SUN loaders draw class-balanced
batches (``is_balance=True``), hence ``class_balanced=True`` there.
"""

__all__ = ["MSDN_PRESETS", "msdn_preset"]

# seen_bias=2.0 is the official built-in margin: +1 on unseen and -1 on seen
# class scores at test time is calibrated stacking with gamma = 2.
MSDN_PRESETS = {
    "CUB": dict(calibration_weight=0.1, distillation_weight=1e-3, fusion_weight=0.9,
                normalize_embeddings=False, max_epochs=30, batch_size=50,
                class_balanced=False, lr=1e-4, weight_decay=1e-4, momentum=0.9,
                random_state=214, seen_bias=2.0),
    "AWA2": dict(calibration_weight=0.12, distillation_weight=1e-7, fusion_weight=1.0,
                 normalize_embeddings=True, max_epochs=50, batch_size=50,
                 class_balanced=True, lr=1e-4, weight_decay=1e-4, momentum=0.0,
                 random_state=87778, seen_bias=2.0),
    "SUN": dict(calibration_weight=1e-4, distillation_weight=1e-2, fusion_weight=0.7,
                normalize_embeddings=False, max_epochs=70, batch_size=50,
                class_balanced=True, lr=1e-4, weight_decay=1e-4, momentum=0.9,
                random_state=2339, seen_bias=2.0),
}


def msdn_preset(name):
    """The official hyperparameters for a dataset, as a dict of constructor parameters.

    Parameters
    ----------
    name : {"CUB", "AWA2", "SUN"}
        Dataset (case-insensitive; "AWA" means AWA2).

    Returns
    -------
    params : dict
        A fresh copy: constructor parameters of :class:`MSDNClassifier`.

    Examples
    --------
    >>> from skzsl.attention import msdn_preset
    >>> msdn_preset("cub")["fusion_weight"]
    0.9
    """
    key = str(name).upper()
    key = {"AWA": "AWA2"}.get(key, key)
    if key not in MSDN_PRESETS:
        raise ValueError(
            f"Unknown MSDN preset {name!r}; the official scripts cover "
            f"{sorted(MSDN_PRESETS)}."
        )
    return dict(MSDN_PRESETS[key])
