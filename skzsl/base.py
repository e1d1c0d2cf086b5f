"""What every GZSL classifier shares.

A GZSL classifier is fitted on samples of *seen* classes and scores every class
of its class-semantics table, seen or not. Subclasses implement two methods:

- ``fit`` calls :meth:`BaseGZSLClassifier._setup_gzsl` first, which validates
  ``X``, ``y`` and the class table and sets ``classes_``, ``seen_classes_``,
  ``unseen_classes_`` and ``class_attributes_``; it then learns.
- ``_decision_scores(X)`` returns raw compatibility scores of shape
  ``(n_samples, n_classes)``, columns aligned with ``classes_``; the public
  :meth:`BaseGZSLClassifier.compatibility_scores` validates ``X`` and calls it.

Calibrated stacking (``seen_bias``) and the candidate set (``candidates``) are
applied here, at prediction time, so ``set_params`` on a fitted estimator
changes its predictions without refitting; ``seen_bias`` is checked there too.

Every ``fit`` is atomic (:class:`AtomicFitMixin`): one that raises leaves the
estimator as it was before the call.
"""

import functools
import inspect
from numbers import Real

import numpy as np
import pandas as pd
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from .semantics import ClassAttributes, check_class_attributes
from .utils._docstring import fill_doc

__all__ = ["AtomicFitMixin", "BaseGZSLClassifier"]


def discard_fitted(estimator):
    """Delete every fitted attribute (name ending in ``_``): the estimator is unfitted again."""
    for name in [n for n in vars(estimator) if n.endswith("_") and not n.startswith("__")]:
        delattr(estimator, name)

# a table is keyed by class label, so a bare ndarray (no labels) is not one
_CLASS_TABLE_CONSTRAINT = [pd.DataFrame, dict, ClassAttributes, None]


def _restore_on_error(fit):
    """``fit`` that puts the instance's attributes back as they were when it raises."""
    @functools.wraps(fit)
    def atomic_fit(self, *args, **kwargs):
        before = dict(vars(self))
        try:
            return fit(self, *args, **kwargs)
        except BaseException:
            # validation and the class bookkeeping set fitted attributes before the
            # fit can fail (bad device, unknown label, Ctrl-C): none of them may stay
            vars(self).clear()
            vars(self).update(before)
            raise

    atomic_fit.restores_on_error = True
    return atomic_fit


@fill_doc
class AtomicFitMixin:
    """Mixin that makes ``fit`` atomic: a fit that raises changes nothing.

    Every ``fit`` a subclass defines is wrapped once, when the class is created
    (and every method a class names in ``_atomic_methods``, such as the
    generative classifiers' stages): the instance's attributes are saved before
    the call and put back if it raises (``KeyboardInterrupt`` included). A
    fitted estimator refitted with a bad argument still predicts as before; an
    unfitted one stays unfitted. The attributes are restored, not copied
    deeply: a ``fit`` must build new fitted objects rather than change the old
    ones in place, as every skzsl estimator does. Every skzsl estimator has it,
    through :class:`BaseGZSLClassifier` or its family's base class.

    Examples
    --------
    A refit with a label outside the table fails, and the model predicts as before:

%(example_eszsl)s
    >>> clf = ESZSLClassifier(data.class_attributes).fit(data.X_train, data.y_train)
    >>> before = clf.predict(data.X_test_unseen)
    >>> try:
    ...     clf.fit(data.X_train, ["no such class"] * len(data.y_train))
    ... except ValueError:
    ...     pass
    >>> bool((clf.predict(data.X_test_unseen) == before).all())
    True
    """

    _atomic_methods = ("fit",)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls._atomic_methods:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "restores_on_error", False):
                setattr(cls, name, _restore_on_error(method))


class _ParametersMixin:
    """What an ``__init__`` does with its parameters, written once.

    A scikit-learn ``__init__`` lists every parameter in its signature and
    stores each, unchanged, as the attribute of the same name; nothing else.
    ``self._store_parameters(locals())``, its first statement, does exactly
    that. A family's member may instead call its base's ``__init__`` with
    ``super().__init__(**self._parent_arguments(Base, locals()))`` and set its
    own parameters after.
    """

    def _store_parameters(self, arguments):
        """Set each argument of the calling ``__init__`` (its ``locals()``) as an attribute."""
        for name, value in arguments.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    @staticmethod
    def _parent_arguments(parent, arguments):
        """The arguments of a member's ``__init__`` (its ``locals()``) that ``parent`` takes."""
        names = inspect.signature(parent.__init__).parameters
        return {name: arguments[name] for name in names if name != "self"}


def _check_seen_bias(seen_bias):
    """``seen_bias`` as a finite float, or a ValueError that says what to set."""
    if isinstance(seen_bias, Real) and np.isfinite(seen_bias):
        return float(seen_bias)
    raise ValueError(
        f"seen_bias must be a finite number; got {seen_bias!r}. It is subtracted from the "
        "seen-class scores at prediction time, so an infinite or NaN value makes every "
        "prediction the same kind of class. Set a finite value with "
        "set_params(seen_bias=...), for instance the one select_seen_bias chooses; to "
        "predict only unseen (or only seen) classes, use candidates='unseen' ('seen')."
    )


@fill_doc
class BaseGZSLClassifier(_ParametersMixin, AtomicFitMixin, ClassifierMixin, BaseEstimator):
    """Base class for generalized zero-shot classifiers.

    Not meant to be used directly: subclasses add the method. Every subclass
    takes ``class_attributes``, ``seen_bias`` and ``candidates``; a subclass
    with parameters of its own lists them all in its ``__init__``, which calls
    ``self._store_parameters(locals())``.

    Parameters
    ----------
%(class_attributes)s
%(seen_bias)s
%(candidates)s

    Notes
    -----
    ``predict`` returns ``classes_[argmax(decision)]`` where the decision scores
    are the method's compatibility scores minus ``seen_bias`` on seen classes
    (calibrated stacking, Chao et al. 2016), restricted to ``candidates``.
    ``predict_proba`` is the softmax of those scores over the candidate classes.

    Examples
    --------
    A new method subclasses it, learns in ``fit`` and scores every class of the
    table in ``_decision_scores``; here, by the dot product of a sample with
    the class vectors:

    >>> import numpy as np
    >>> from skzsl.base import BaseGZSLClassifier
    >>> class DotProductClassifier(BaseGZSLClassifier):
    ...     def fit(self, X, y):
    ...         self._setup_gzsl(X, y)
    ...         return self
    ...     def _decision_scores(self, X):
    ...         return X @ self.class_attributes_.matrix.T
    >>> table = {"cat": [1.0, 0.0], "dog": [0.0, 1.0]}
    >>> X = np.array([[1.0, 0.1], [0.2, 1.0]])
    >>> clf = DotProductClassifier(table).fit(X, ["cat", "cat"])
    >>> clf.unseen_classes_, clf.predict(X)
    (array(['dog'], dtype='<U3'), array(['cat', 'dog'], dtype='<U3'))
    """

    _parameter_constraints: dict = {
        "class_attributes": _CLASS_TABLE_CONSTRAINT,
        # an open Interval rejects NaN and +-inf (every score NaN, or every sample
        # sent to one kind of class) and names the range
        "seen_bias": [Interval(Real, -np.inf, np.inf, closed="neither")],
        "candidates": [StrOptions({"all", "unseen", "seen"})],
    }

    # shape of one sample: 1 for feature vectors, 2 for region features
    _sample_ndim = 1

    def __init__(self, class_attributes=None, *, seen_bias=0.0, candidates="all"):
        self._store_parameters(locals())

    def _setup_gzsl(self, X, y, **check_params):
        """Validate X, y and the class table; set the class bookkeeping.

        Returns the validated ``X`` and ``y`` encoded as row positions in
        ``classes_`` (and in ``class_attributes_.matrix``). What a previous fit
        left is discarded first, so that no attribute of it (``best_epoch_``
        of an early-stopped fit, ...) outlives a refit that does not set it.
        """
        discard_fitted(self)
        X, y = self._validate_X(X, y=y, reset=True, **check_params)
        check_classification_targets(y)
        table = check_class_attributes(self.class_attributes, y,
                                       attribute_embeddings=self._attribute_embeddings_param())
        self.class_attributes_ = table
        self.classes_ = table.labels
        self.seen_classes_ = np.unique(y)
        self.unseen_classes_ = np.setdiff1d(self.classes_, self.seen_classes_)
        return X, table.index_of(y)

    def _attribute_embeddings_param(self):
        return getattr(self, "attribute_embeddings", None)

    def _validate_X(self, X, *, reset, y=None, **check_params):
        """``validate_data`` with the sample shape of this estimator; returns X or (X, y)."""
        nd = self._sample_ndim + 1
        kwargs = dict(allow_nd=nd > 2, dtype=[np.float64, np.float32])
        kwargs.update(check_params)
        if reset:
            X, y = validate_data(self, X, y, reset=True, **kwargs)
        else:
            X = validate_data(self, X, reset=False, **kwargs)
        if X.ndim != nd:
            raise ValueError(
                f"{type(self).__name__} expects X of {nd} dimensions, got an array of shape "
                f"{X.shape}."
            )
        return (X, y) if reset else X

    @property
    def _seen_mask(self):
        return np.isin(self.classes_, self.seen_classes_)

    def _decision_scores(self, X):
        """Raw class scores of validated ``X``, shape (n_samples, n_classes)."""
        raise NotImplementedError

    def compatibility_scores(self, X):
        """Raw class scores: before calibrated stacking and candidate masking.

        These are the method's compatibility scores of every sample with every
        class of the table, the quantity the GZSL metrics read: the seen-unseen
        curve and AUSUC sweep the bias over them, ZSL accuracy restricts them
        to unseen classes. ``seen_bias`` and ``candidates`` play no part.

%(method_X_as_in_fit)s

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes)
            Columns aligned with ``classes_``, also for two classes.

        Examples
        --------
%(method_example_eszsl)s
        >>> clf = ESZSLClassifier(data.class_attributes, seen_bias=1.0)
        >>> scores = clf.fit(data.X_train, data.y_train).compatibility_scores(data.X_test_unseen)
        >>> scores.shape == (len(data.X_test_unseen), len(clf.classes_))
        True
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return self._decision_scores(X)

    def _candidate_mask(self):
        seen = self._seen_mask
        if self.candidates == "all":
            return np.ones_like(seen)
        if self.candidates == "seen":
            return seen
        if self.candidates == "unseen":
            if seen.all():
                raise ValueError(
                    "candidates='unseen' but every class of the class table was seen in fit, "
                    "so there is no unseen class to predict. Add unseen classes to "
                    "class_attributes, or use candidates='all'."
                )
            return ~seen
        raise ValueError(
            f"candidates must be 'all', 'unseen' or 'seen'; got {self.candidates!r}."
        )

    def _adjusted_scores(self, X):
        """(n_samples, n_classes) scores with the seen bias applied and non-candidates at -inf."""
        scores = np.array(self.compatibility_scores(X), dtype=np.float64, copy=True)
        # set_params after fit skips the fit-time validation: check it where it acts
        scores[:, self._seen_mask] -= _check_seen_bias(self.seen_bias)
        scores[:, ~self._candidate_mask()] = -np.inf
        return scores

    def decision_function(self, X):
        """Class scores after calibrated stacking.

%(method_X_as_in_fit)s

        Returns
        -------
        scores : ndarray of shape (n_samples, n_classes) or (n_samples,)
            Columns aligned with ``classes_``; ``seen_bias`` is subtracted from
            seen classes and classes outside ``candidates`` score ``-inf``. With
            exactly two classes, the score of ``classes_[1]`` minus that of
            ``classes_[0]``, as scikit-learn does for binary problems.
        """
        scores = self._adjusted_scores(X)
        if len(self.classes_) == 2:
            return scores[:, 1] - scores[:, 0]
        return scores

    def predict_proba(self, X):
        """Probability of every class: the softmax of the decision scores.

%(method_X_as_in_fit)s

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns aligned with ``classes_``; classes outside ``candidates``
            get probability 0.
        """
        return softmax(self._adjusted_scores(X), axis=1)

    def predict(self, X):
        """Predict class labels, seen or unseen.

%(method_predict)s
        """
        scores = self._adjusted_scores(X)
        return self.classes_[np.argmax(scores, axis=1)]
