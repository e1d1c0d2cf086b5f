"""The exceptions skzsl raises beyond scikit-learn's and Python's own."""

__all__ = ["TrainingDivergedError"]


class TrainingDivergedError(FloatingPointError):
    """A training loss became NaN or infinite: the fit diverged.

    Raised by the ``fit`` of every neural estimator at the first optimizer
    step whose loss is not finite (before that step is taken), or when a
    training stage ends with non-finite weights. The message names the
    estimator, the training stage (the net: generator, classifier, ...), the
    optimizer group (critic, generator, ...), the epoch and the loss terms
    that were not finite, and suggests a fix. The estimator is left as it was
    before ``fit``: a model with NaN weights is never returned.

    Examples
    --------
    >>> from skzsl.exceptions import TrainingDivergedError
    >>> issubclass(TrainingDivergedError, FloatingPointError)
    True
    """
