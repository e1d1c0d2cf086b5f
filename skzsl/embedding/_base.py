"""What the closed-form baselines share: ``fit`` solves for ``coef_`` once."""

from sklearn.base import _fit_context

from ..base import BaseGZSLClassifier
from ..utils._docstring import fill_doc


@fill_doc
class _ClosedFormClassifier(BaseGZSLClassifier):
    """A GZSL classifier whose ``fit`` computes ``coef_`` in closed form.

    Subclasses implement ``_solve(X, y_idx)``, which returns ``coef_`` from the
    validated features and the labels as row positions in the class table, and
    ``_decision_scores(X)``.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Fit ``coef_`` in closed form (the equation in the class description).

%(method_fit)s
        """
        X, y_idx = self._setup_gzsl(X, y)
        self.coef_ = self._solve(X, y_idx)
        return self

    def _solve(self, X, y_idx):
        raise NotImplementedError
