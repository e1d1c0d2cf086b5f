"""Docstring fragments shared by the estimators, so each parameter is explained once.

A class docstring names a fragment as ``%(name)s`` on a line of its own and the
class is decorated with :func:`fill_doc`; a module may add its own fragments
(``fill_doc(**fragments)``), which may themselves name shared ones.
"""

__all__ = ["FRAGMENTS", "fill_doc"]

FRAGMENTS = {
    "seen_bias": """
    seen_bias : float, default=0.0
        Calibrated stacking: subtracted from the scores of seen classes at
        prediction time; raise it to predict unseen classes more often. Tune
        it on validation classes
        (:class:`skzsl.model_selection.TunedSeenBiasClassifierCV`), never on
        the test split.
""",
    "candidates": """
    candidates : {"all", "unseen", "seen"}, default="all"
        Classes that ``predict`` may return: all of them (GZSL), only unseen
        ones (conventional ZSL), or only seen ones.
""",
    "device": """
    device : str, default="auto"
        Torch device; ``"auto"`` is CUDA when available, else CPU.
""",
    "early_stopping": """
    early_stopping : bool or splitter, default=False
        Hold out a class-disjoint validation fold of the *training* data,
        score the harmonic mean H on it every ``validation_every`` epochs with
        the seen bias that maximises it there, stop after ``patience``
        validations without improvement and keep the best epoch's weights
        (skorch's ``EarlyStopping``; the curve is ``valid_h`` in the net's
        history, the epoch ``best_epoch_``). ``True`` holds out the first fold
        of ``GZSLKFold(5, random_state=random_state)``; a splitter such as
        :class:`~skzsl.model_selection.PredefinedClassSplit` gives its first
        fold. The held-out classes are unseen to the fitted model; to train
        on every class, refit with ``max_epochs=best_epoch_`` and
        ``early_stopping=False``. Test data are never used.
    validation_every : int, default=1
        Epochs between two validations, with ``early_stopping``.
    patience : int, default=5
        Validations without improvement before stopping, with ``early_stopping``.
""",
    "verbose": """
    verbose : int, default=1
        0 silent, 1 progress bars, 2 also skorch's per-epoch tables.
""",
}


def _substitute(text, fragments):
    for name, fragment in fragments.items():
        text = text.replace(f"%({name})s", fragment.strip("\n"))
    return text


def fill_doc(cls=None, **fragments):
    """Class decorator: replace each ``%(name)s`` of the docstring by its fragment.

    ``fragments`` (name -> text) are substituted first, so they may use the
    shared :data:`FRAGMENTS`; a name left unreplaced is an error.
    """
    def decorate(klass):
        doc = _substitute(_substitute(klass.__doc__, fragments), FRAGMENTS)
        if "%(" in doc:
            start = doc.index("%(")
            raise ValueError(f"{klass.__name__}: unknown docstring fragment "
                             f"{doc[start:doc.index(')', start) + 2]!r}")
        klass.__doc__ = doc
        return klass

    return decorate if cls is None else decorate(cls)
