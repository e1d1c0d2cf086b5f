"""Reach the GZSL classifier inside a fitted composite estimator."""

# skzsl.base imports skzsl.utils (its docstring fragments): the module, not the name
from .. import base
from ._docstring import fill_doc

__all__ = ["unwrap_gzsl_classifier"]


@fill_doc
def unwrap_gzsl_classifier(estimator, X):
    """The fitted GZSL classifier that decides for ``estimator``, and ``X`` as it receives it.

    Follows ``best_estimator_`` (a fitted search), ``estimator_`` (a fitted
    meta-estimator such as :class:`~skzsl.model_selection.TunedSeenBiasClassifierCV`)
    and the steps of a ``Pipeline``, whose transformers run once on ``X``.
    The scorers of :mod:`skzsl.metrics` use it, so a Pipeline's transformers
    run once per scorer call.

    Parameters
    ----------
    estimator : estimator
        A fitted skzsl classifier, or a Pipeline, search or meta-estimator
        around one.
    X : array-like
        Samples as ``estimator`` takes them.

    Returns
    -------
    classifier : BaseGZSLClassifier
        The fitted GZSL classifier.
    Xt : array-like
        ``X`` transformed by the Pipeline steps before ``classifier``.

    Examples
    --------
    The classifier at the end of a pipeline, and what reaches it:

%(example_eszsl)s
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skzsl.utils import unwrap_gzsl_classifier
    >>> pipe = make_pipeline(StandardScaler(), ESZSLClassifier(data.class_attributes))
    >>> clf, Xt = unwrap_gzsl_classifier(pipe.fit(data.X_train, data.y_train),
    ...                                  data.X_test_unseen)
    >>> type(clf).__name__, Xt.shape == data.X_test_unseen.shape
    ('ESZSLClassifier', True)
    """
    while not isinstance(estimator, base.BaseGZSLClassifier):
        if hasattr(estimator, "best_estimator_"):
            estimator = estimator.best_estimator_
        elif hasattr(estimator, "steps"):
            X = estimator[:-1].transform(X)
            estimator = estimator[-1]
        elif hasattr(estimator, "estimator_"):
            estimator = estimator.estimator_
        else:
            raise TypeError(
                f"{type(estimator).__name__} is not a fitted skzsl GZSL classifier; GZSL "
                "scorers need one, alone or at the end of a Pipeline, a fitted search or "
                "TunedSeenBiasClassifierCV."
            )
    if not hasattr(estimator, "seen_classes_"):
        raise TypeError(
            f"{type(estimator).__name__} is not fitted (it has no seen_classes_); fit it "
            "before scoring."
        )
    return estimator, X
