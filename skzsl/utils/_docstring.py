"""Docstring fragments shared by the estimators, so each parameter is explained once.

A docstring names a fragment as ``%(name)s`` on a line of its own, at column 0
(the fragment carries its own indentation: 4 spaces for the sections of a class
docstring, 8 for those of a method, the ``method_*`` fragments), and the class
or function is decorated with :func:`fill_doc`; on a class it also fills the
docstrings of the methods the class defines. A module may add its own fragments
(``fill_doc(**fragments)``), which may themselves name shared ones.
"""

import inspect
import textwrap

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
    "callbacks": """
    callbacks : list of skorch callbacks or (name, callback) pairs, default=None
        Handed to the estimator's net (``net_``), as skorch's own
        ``callbacks``: every optimizer step notifies ``on_grad_computed``
        first (``GradientNormClipping`` clips), and ``LRScheduler`` schedules
        the primary optimizer, ``net_.optimizer_``.
""",
    "verbose": """
    verbose : int, default=1
        0 silent, 1 progress bars, 2 also skorch's per-epoch tables.
""",
    "class_attributes": """
    class_attributes : DataFrame, dict, ClassAttributes or None, default=None
        Class semantics indexed by class label, covering every class to predict.
        ``None`` uses one-hot semantics of the training labels (an ordinary
        classifier that cannot predict unseen classes).
""",
    "gzsl_attributes": """
    classes_ : ndarray of shape (n_classes,)
        Every class of the class table, sorted.
    seen_classes_ : ndarray of shape (n_seen,)
        Classes present in ``y`` during fit.
    unseen_classes_ : ndarray of shape (n_unseen,)
        Classes of the table absent from ``y``.
    class_attributes_ : ClassAttributes
        The validated class table.
""",
    "n_features_in": """
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.
""",
    "method_X_as_in_fit": """
        Parameters
        ----------
        X : array-like
            Samples, shaped as in ``fit``.
""",
}


FRAGMENTS["method_predict"] = FRAGMENTS["method_X_as_in_fit"] + """
        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``.
"""
_Y = """
        y : array-like of shape (n_samples,)
            Labels; each must have a row in ``class_attributes``.
"""
_RETURNS_SELF = """
        Returns
        -------
        self : object
            The fitted estimator.
"""
# the end of the Parameters of a GZSL classifier, the Attributes header and its attributes
FRAGMENTS["gzsl_parameters_and_attributes"] = "\n".join([
    FRAGMENTS["seen_bias"].strip("\n"), FRAGMENTS["candidates"].strip("\n"), "",
    "    Attributes", "    ----------", FRAGMENTS["gzsl_attributes"].strip("\n")])

# the first lines of many Examples: the synthetic data and ESZSL, the simplest GZSL classifier
_EXAMPLE_ESZSL = """>>> from skzsl.datasets import make_zsl_classification
>>> from skzsl.embedding import ESZSLClassifier
>>> data = make_zsl_classification(random_state=0)
"""
FRAGMENTS["example_eszsl"] = textwrap.indent(_EXAMPLE_ESZSL, " " * 4)
FRAGMENTS["method_example_eszsl"] = textwrap.indent(_EXAMPLE_ESZSL, " " * 8)
FRAGMENTS["method_fit_y"] = _Y + _RETURNS_SELF
FRAGMENTS["method_fit_X_y"] = """
        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features of seen-class samples.""" + _Y
FRAGMENTS["method_fit"] = FRAGMENTS["method_fit_X_y"] + _RETURNS_SELF


def _substitute(text, fragments):
    for name, fragment in fragments.items():
        text = text.replace(f"%({name})s", fragment.strip("\n"))
    return text


def _fill(obj, fragments):
    if obj.__doc__ is None:     # python -OO strips docstrings: nothing to fill
        return
    doc = _substitute(_substitute(obj.__doc__, fragments), FRAGMENTS)
    if "%(" in doc:
        start = doc.index("%(")
        raise ValueError(f"{obj.__qualname__}: unknown docstring fragment "
                         f"{doc[start:doc.index(')', start) + 2]!r}")
    obj.__doc__ = doc


def fill_doc(cls=None, **fragments):
    """Class or function decorator: replace each ``%(name)s`` of the docstring by its fragment.

    ``fragments`` (name -> text) are substituted first, so they may use the
    shared :data:`FRAGMENTS`; a name left unreplaced is an error. On a class,
    the docstrings of the methods it defines (plain, class and static) are
    filled too. Under ``python -OO`` (no docstrings) it changes nothing.
    """
    def decorate(obj):
        _fill(obj, fragments)
        if isinstance(obj, type):
            for member in vars(obj).values():
                member = getattr(member, "__func__", member)
                if inspect.isfunction(member) and "%(" in (member.__doc__ or ""):
                    _fill(member, fragments)
        return obj

    return decorate if cls is None else decorate(cls)
