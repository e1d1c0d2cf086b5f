"""Choosing the calibrated-stacking seen bias on validation data.

The bias trades seen accuracy S for unseen accuracy U. For a fitted model both
are step functions of the bias, known exactly from the seen-unseen curve
(:func:`skzsl.metrics.seen_unseen_curve`), so the bias that maximises H is
found without a grid.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn import get_config
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, _fit_context, clone
from sklearn.model_selection import check_cv
from sklearn.utils import Bunch, _safe_indexing, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, validate_params
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import _check_method_params, _estimator_has, check_is_fitted

from ..base import AtomicFitMixin, BaseGZSLClassifier, _ParametersMixin
from ..metrics import harmonic_mean, seen_unseen_curve
from ..utils import unwrap_gzsl_classifier
from ..utils._docstring import fill_doc
from ._split import GZSLKFold


def _at(curve, bias):
    """S and U of a seen-unseen curve at ``bias`` (scalar or array)."""
    biases, seen, unseen = curve
    idx = np.searchsorted(biases, bias, side="right") - 1
    return seen[idx], unseen[idx]


def _choose_bias(curves, min_seen_accuracy=0.0):
    """The bias maximising the mean H over ``curves``, exactly.

    Every curve is a step function of the bias, so their mean H is constant
    between consecutive breakpoints of their union; the bias returned is the
    middle of the best such interval (past the end of an unbounded one, by a
    typical breakpoint spacing). Biases whose mean S is below
    ``min_seen_accuracy`` are left out unless none reaches it.
    """
    breaks = np.unique(np.concatenate([curve[0][1:] for curve in curves]))
    grid = np.concatenate([[-np.inf], breaks])
    seen, unseen = zip(*(_at(curve, grid) for curve in curves), strict=True)
    seen, unseen = np.asarray(seen), np.asarray(unseen)
    h = harmonic_mean(seen, unseen).mean(axis=0)
    h[seen.mean(axis=0) < min_seen_accuracy] = -1.0
    best = int(np.argmax(h))
    step = float(np.median(np.diff(breaks))) if breaks.size > 1 else 1.0
    step = step if step > 0 else 1.0
    if breaks.size == 0:
        return 0.0
    if best == 0:
        return float(breaks[0] - step)
    if best == grid.size - 1:
        return float(grid[best] + step)
    return float((grid[best] + grid[best + 1]) / 2.0)


def _validation_curve(estimator, X, y):
    """The seen-unseen curve of a fitted estimator on validation data."""
    clf, Xt = unwrap_gzsl_classifier(estimator, X)
    seen_samples = np.isin(y, clf.seen_classes_)
    if seen_samples.all() or not seen_samples.any():
        # H is 0 at every bias then: any bias returned would be arbitrary
        raise ValueError(
            f"select_seen_bias needs validation samples of seen and of unseen classes; y "
            f"holds {seen_samples.sum()} of classes {type(clf).__name__} was fitted on and "
            f"{(~seen_samples).sum()} of others, so no bias is better than another. Fit on "
            "part of the training classes and validate on held-out classes plus some samples "
            "of the others, e.g. a fold of GZSLKFold."
        )
    return seen_unseen_curve(y, clf.compatibility_scores(Xt), classes=clf.classes_,
                             seen_classes=clf.seen_classes_)


@validate_params(
    {"estimator": [object], "X": ["array-like"], "y": ["array-like"],
     "min_seen_accuracy": [Interval(Real, 0, 1, closed="both")]},
    prefer_skip_nested_validation=True,
)
@fill_doc
def select_seen_bias(estimator, X, y, *, min_seen_accuracy=0.0):
    """Choose the calibrated-stacking ``seen_bias`` that maximises H on validation data.

    The harmonic mean is computed exactly at every bias where a prediction
    changes (see :func:`skzsl.metrics.seen_unseen_curve`), so no grid is
    needed. Use validation data drawn from training classes (for instance a
    fold of :class:`GZSLKFold` or :class:`PredefinedClassSplit`), never the test
    set; and do not report H on the data that chose the bias, it is optimistic:
    :class:`TunedSeenBiasClassifierCV` does both steps honestly.

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline ending in one.
    X : array-like
        Validation samples of seen classes and of classes unseen by ``estimator``.
    y : array-like of shape (n_samples,)
        Their labels.
    min_seen_accuracy : float, default=0.0
        Only consider biases whose seen accuracy is at least this.

    Returns
    -------
    seen_bias : float
        The bias to set with ``set_params(seen_bias=...)`` (for a Pipeline,
        :func:`set_seen_bias`). It is the middle of the best interval of
        biases, where H is constant.

    Raises
    ------
    ValueError
        If ``y`` holds no seen-class or no unseen-class sample (H is then 0 at
        every bias), or a label outside the estimator's class table.

    See Also
    --------
    TunedSeenBiasClassifierCV : Fit, choose the bias on held-out folds, refit.

    Examples
    --------
    Validation data come from the training classes: a fold of
    :class:`GZSLKFold` holds out whole classes and some samples of the others.

%(example_eszsl)s
    >>> from skzsl.model_selection import GZSLKFold, select_seen_bias
    >>> X, y = data.X_train, data.y_train
    >>> train, val = next(GZSLKFold(3, random_state=0).split(X, y))
    >>> clf = ESZSLClassifier(data.class_attributes).fit(X[train], y[train])
    >>> bias = select_seen_bias(clf, X[val], y[val])
    >>> final = ESZSLClassifier(data.class_attributes, seen_bias=bias).fit(X, y)
    """
    curve = _validation_curve(estimator, X, np.asarray(y))
    return _choose_bias([curve], min_seen_accuracy)


def set_seen_bias(estimator, seen_bias):
    """Set ``seen_bias`` on a GZSL classifier or on the last step of a Pipeline.

    Parameters
    ----------
    estimator : estimator
        A skzsl classifier or a Pipeline ending in one.
    seen_bias : float
        The bias.

    Returns
    -------
    estimator : estimator
        The same object.

    Examples
    --------
    On a pipeline, the bias goes to its last step:

    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skzsl.embedding import ESZSLClassifier
    >>> from skzsl.model_selection import set_seen_bias
    >>> pipe = set_seen_bias(make_pipeline(StandardScaler(), ESZSLClassifier()), 0.5)
    >>> pipe[-1].seen_bias
    0.5
    """
    if hasattr(estimator, "steps"):
        return estimator.set_params(**{f"{estimator.steps[-1][0]}__seen_bias": seen_bias})
    return estimator.set_params(seen_bias=seen_bias)


def _fold_curves(estimator, X, y, train, val, fit_params, halves):
    """Fit on ``train``; the seen-unseen curves of the two halves of ``val`` and of all of it."""
    est = clone(estimator).fit(_safe_indexing(X, train), y[train],
                               **_check_method_params(X, fit_params, train))
    clf, Xt = unwrap_gzsl_classifier(est, _safe_indexing(X, val))
    scores, y_val = clf.compatibility_scores(Xt), y[val]
    seen_samples = np.isin(y_val, clf.seen_classes_)
    if seen_samples.sum() < 2 or (~seen_samples).sum() < 2:
        raise ValueError(
            f"A validation fold holds {seen_samples.sum()} seen-class and "
            f"{(~seen_samples).sum()} unseen-class samples; choosing the seen bias needs at "
            "least 2 of each. Use a class-disjoint splitter such as GZSLKFold with "
            "seen_test_size > 0, or more samples."
        )

    def curve(mask):
        return seen_unseen_curve(y_val[mask], scores[mask], classes=clf.classes_,
                                 seen_classes=clf.seen_classes_)

    return curve(np.ones(val.size, dtype=bool)), curve(halves), curve(~halves)


def _split_halves(y, rng):
    """Boolean mask of one half of the samples, class by class (the rest is the other)."""
    half = np.zeros(y.shape[0], dtype=bool)
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        half[idx[rng.randint(2)::2]] = True
    return half


@fill_doc
class TunedSeenBiasClassifierCV(AtomicFitMixin, _ParametersMixin, MetaEstimatorMixin,
                                ClassifierMixin, BaseEstimator):
    """A GZSL classifier whose ``seen_bias`` is chosen on held-out, class-disjoint folds.

    The counterpart of scikit-learn's
    :class:`~sklearn.model_selection.TunedThresholdClassifierCV` for the seen
    bias of calibrated stacking. In every fold of ``cv`` (training classes
    only: held-out classes play the unseen ones), a clone of ``estimator`` is
    fitted on the fold's training part and its raw class scores are computed
    on the validation part, which gives the exact seen-unseen curve. Then:

    - ``best_seen_bias_`` maximises the mean H of the folds' curves, and the
      estimator fitted on all of ``X, y`` uses it (``estimator_``);
    - ``best_score_`` is never measured on the samples that chose a bias: each
      validation fold is split in two halves, class by class, the bias chosen
      on one half is scored on the other and the other way round, and the
      held-out H is averaged over halves and folds. It estimates the H the
      tuning gives on new data, where the in-sample maximum would flatter it.

    It is an estimator, so it composes: ``GridSearchCV`` over
    ``estimator__<param>`` compares hyperparameters each at its own tuned bias
    (use :data:`~skzsl.metrics.gzsl_scorer` and ``refit="harmonic"``).
    Everything happens on ``X, y``: pass training classes, never test data.

    Parameters
    ----------
    estimator : estimator
        A skzsl classifier, or a Pipeline ending in one, whose class table
        covers every class of ``y`` (held-out classes are unseen for a fold's fit
        and known by their semantics).
    cv : int, cross-validation generator or iterable, default=None
        Class-disjoint folds of ``X, y``. ``None`` means ``GZSLKFold(3)``, an
        int ``GZSLKFold(cv)``, both seeded with ``random_state``; or pass a
        splitter such as :class:`PredefinedClassSplit`. Every validation fold
        needs at least 2 seen-class and 2 unseen-class samples.
    min_seen_accuracy : float, default=0.0
        Only consider biases whose mean validation seen accuracy reaches this.
    n_jobs : int, default=None
        Folds fitted in parallel (joblib).
    random_state : int, RandomState instance or None, default=None
        Seeds the default ``GZSLKFold`` and the split of validation folds into
        halves.

    Attributes
    ----------
    estimator_ : estimator
        ``estimator`` fitted on all of ``X, y``, with ``seen_bias`` set to
        ``best_seen_bias_`` (the bias acts at prediction time, so setting it
        needs no refit).
    best_seen_bias_ : float
        The chosen bias: the middle of the interval of biases where the mean
        validation H is highest.
    best_score_ : float
        Held-out validation H of the tuning (see above).
    cv_results_ : dict of ndarray
        One entry per fold: ``"seen_bias"``, the bias that fold's whole
        validation part would choose; ``"seen"``, ``"unseen"`` and
        ``"harmonic"``, its held-out scores (mean of the two halves).
    classes_ : ndarray
        Every class of the table (from ``estimator_``).
    seen_classes_ : ndarray
        The classes of ``y``.
    unseen_classes_ : ndarray
        The other classes of the table.
    n_features_in_ : int
        Number of features seen in ``fit`` (when ``estimator_`` sets it).

    See Also
    --------
    select_seen_bias : The bias for one already fitted estimator and one validation set.
    sklearn.model_selection.TunedThresholdClassifierCV : The binary-threshold counterpart.

    Notes
    -----
    The bias is an offset on raw scores, so it transfers from a fold's model to
    the one fitted on all data only as far as their score scales agree; the
    folds' biases in ``cv_results_["seen_bias"]`` show how stable it is.

    With a class table whose classes are all seen in fit (``class_attributes=None``,
    one-hot semantics), ``seen_bias`` changes no prediction: the estimator is then
    fitted without tuning, with a warning, and ``best_score_`` is ``nan``.

    Examples
    --------
%(example_eszsl)s
    >>> from skzsl.model_selection import TunedSeenBiasClassifierCV
    >>> tuned = TunedSeenBiasClassifierCV(ESZSLClassifier(data.class_attributes), random_state=0)
    >>> tuned.fit(data.X_train, data.y_train)
    TunedSeenBiasClassifierCV(...)
    >>> tuned.estimator_.seen_bias == tuned.best_seen_bias_
    True
    >>> sorted(tuned.cv_results_)
    ['harmonic', 'seen', 'seen_bias', 'unseen']
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"])],
        "cv": ["cv_object"],
        "min_seen_accuracy": [Interval(Real, 0, 1, closed="both")],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator, *, cv=None, min_seen_accuracy=0.0, n_jobs=None,
                 random_state=None):
        self._store_parameters(locals())

    def _check_cv(self):
        if self.cv is None or isinstance(self.cv, Integral):
            return GZSLKFold(3 if self.cv is None else self.cv, random_state=self.random_state)
        return check_cv(self.cv)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **params):
        """Fit on all data and per fold, choose the seen bias, score it on held-out halves.

        Parameters
        ----------
        X : array-like
            Training samples (training classes only).
        y : array-like of shape (n_samples,)
            Their labels.
        **params : dict
            Passed to ``estimator.fit`` (per-sample arrays are indexed per
            fold). With metadata routing enabled, routed to the estimator's
            ``fit`` and the splitter's ``split`` as requested.

        Returns
        -------
        self : object
            The fitted meta-estimator.
        """
        if get_config()["enable_metadata_routing"]:
            routed = process_routing(self, "fit", **params)
        else:
            routed = Bunch(estimator=Bunch(fit=params), splitter=Bunch(split={}))
        # the final model first: it validates X and y, and tells whether there is
        # anything to tune
        self.estimator_ = clone(self.estimator).fit(X, y, **routed.estimator.fit)
        final = self._final()
        if final.unseen_classes_.size == 0:
            warnings.warn(
                f"Every class of the class table of {type(final).__name__} is seen in fit, so "
                "seen_bias changes no prediction and is not tuned (kept at "
                f"{final.seen_bias!r}). Give the estimator a class table that covers unseen "
                "classes.", UserWarning, stacklevel=3)
            self.best_seen_bias_ = float(final.seen_bias)
            self.best_score_ = float("nan")
            self.cv_results_ = {key: np.empty(0)
                                for key in ("seen_bias", "seen", "unseen", "harmonic")}
            return self

        y = np.asarray(y)
        cv = self._check_cv()
        rng = check_random_state(self.random_state)
        splits = [(train, val, _split_halves(y[val], rng))
                  for train, val in cv.split(X, y, **routed.splitter.split)]
        folds = Parallel(n_jobs=self.n_jobs)(
            delayed(_fold_curves)(self.estimator, X, y, train, val, routed.estimator.fit, halves)
            for train, val, halves in splits)

        results = {key: [] for key in ("seen_bias", "seen", "unseen", "harmonic")}
        for whole, half_a, half_b in folds:
            results["seen_bias"].append(_choose_bias([whole], self.min_seen_accuracy))
            held_out = [_at(score_on, _choose_bias([choose_on], self.min_seen_accuracy))
                        for choose_on, score_on in ((half_a, half_b), (half_b, half_a))]
            seen, unseen = np.asarray(held_out, dtype=float).T
            results["seen"].append(seen.mean())
            results["unseen"].append(unseen.mean())
            results["harmonic"].append(harmonic_mean(seen, unseen).mean())
        self.cv_results_ = {key: np.asarray(value, dtype=float)
                            for key, value in results.items()}
        self.best_score_ = float(self.cv_results_["harmonic"].mean())
        self.best_seen_bias_ = _choose_bias([whole for whole, _, _ in folds],
                                            self.min_seen_accuracy)
        # the bias acts at prediction time: no refit needed
        set_seen_bias(self.estimator_, self.best_seen_bias_)
        return self

    def _final(self):
        """The GZSL classifier of ``estimator_`` (the last step of a Pipeline)."""
        final = self._fitted_estimator()
        while hasattr(final, "steps"):
            final = final[-1]
        if not isinstance(final, BaseGZSLClassifier):
            raise TypeError(
                f"TunedSeenBiasClassifierCV tunes the seen_bias of a skzsl GZSL classifier, "
                f"alone or at the end of a Pipeline; got {type(final).__name__}."
            )
        return final

    @property
    def classes_(self):
        """Every class of the table, as ``estimator_`` has them."""
        return self._final().classes_

    @property
    def seen_classes_(self):
        """The classes seen in fit."""
        return self._final().seen_classes_

    @property
    def unseen_classes_(self):
        """The classes of the table not seen in fit."""
        return self._final().unseen_classes_

    @property
    def n_features_in_(self):
        """Number of features seen in fit."""
        return self._fitted_estimator().n_features_in_

    def _fitted_estimator(self):
        check_is_fitted(self, "estimator_")
        return self.estimator_

    def predict(self, X):
        """Predict labels with the refitted estimator at ``best_seen_bias_``.

%(method_predict)s
        """
        return self._fitted_estimator().predict(X)

    @available_if(_estimator_has("predict_proba"))
    @fill_doc
    def predict_proba(self, X):
        """Class probabilities of the refitted estimator at ``best_seen_bias_``.

%(method_X_as_in_fit)s

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns aligned with ``classes_``.
        """
        return self._fitted_estimator().predict_proba(X)

    @available_if(_estimator_has("decision_function"))
    @fill_doc
    def decision_function(self, X):
        """Decision scores of the refitted estimator at ``best_seen_bias_``.

%(method_X_as_in_fit)s

        Returns
        -------
        scores : ndarray
            As the estimator's ``decision_function``.
        """
        return self._fitted_estimator().decision_function(X)

    def get_metadata_routing(self):
        """Get metadata routing of this object.

        Returns
        -------
        routing : MetadataRouter
            Routes ``fit`` parameters to the estimator's ``fit`` and the
            splitter's ``split``.
        """
        return (MetadataRouter(owner=self)
                .add(estimator=self.estimator,
                     method_mapping=MethodMapping().add(callee="fit", caller="fit"))
                .add(splitter=self._check_cv(),
                     method_mapping=MethodMapping().add(callee="split", caller="fit")))
