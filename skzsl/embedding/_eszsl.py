"""Embarrassingly simple zero-shot learning (ESZSL)."""

from numbers import Real

import numpy as np
from scipy import linalg
from sklearn.utils._param_validation import Interval

from ..utils._docstring import fill_doc
from ._base import _ClosedFormClassifier


@fill_doc
class ESZSLClassifier(_ClosedFormClassifier):
    """Embarrassingly simple zero-shot learning (Romera-Paredes & Torr, 2015).

    Learns a bilinear compatibility ``f(x, c) = x^T V s_c`` between a feature
    vector ``x`` and the semantic vector ``s_c`` of class ``c``, in closed form:

    .. math::

        V = (X^T X + \\gamma I)^{-1} X^T Y S (S^T S + \\lambda I)^{-1}

    with ``X`` the (n_samples, n_features) training features, ``Y`` the
    (n_samples, n_seen) 0/1 label matrix and ``S`` the (n_seen, n_attributes)
    semantics of the seen classes. Any class of the table, seen or unseen, is
    then scored through its semantic vector.

    Parameters
    ----------
%(class_attributes)s
    feature_reg : float, default=1.0
        :math:`\\gamma`, the ridge penalty in feature space.
    semantic_reg : float, default=1.0
        :math:`\\lambda`, the ridge penalty in semantic space.
%(gzsl_parameters_and_attributes)s
    coef_ : ndarray of shape (n_features, n_attributes)
        The compatibility matrix ``V``.
%(n_features_in)s

    See Also
    --------
    SAEClassifier : Semantic autoencoder, the other closed-form baseline.

    Notes
    -----
    The label matrix ``Y`` is 0/1 as in the authors' final code, not the
    ``{-1, 1}`` of the paper's text: with hundreds of classes (SUN) the ``-1``
    entries dominate and collapse the solution.

    References
    ----------
    .. [1] B. Romera-Paredes and P. H. S. Torr, "An embarrassingly simple approach
       to zero-shot learning", ICML 2015.

    Examples
    --------
%(example_eszsl)s
    >>> clf = ESZSLClassifier(class_attributes=data.class_attributes)
    >>> clf.fit(data.X_train, data.y_train).predict(data.X_test_unseen[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **_ClosedFormClassifier._parameter_constraints,
        "feature_reg": [Interval(Real, 0, None, closed="left")],
        "semantic_reg": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, class_attributes=None, *, feature_reg=1.0, semantic_reg=1.0,
                 seen_bias=0.0, candidates="all"):
        self._store_parameters(locals())

    def _solve(self, X, y_idx):
        seen_idx = np.unique(y_idx)
        S = self.class_attributes_.matrix[seen_idx]
        Y = (y_idx[:, None] == seen_idx[None, :]).astype(np.float64)
        gram_x = X.T @ X + self.feature_reg * np.eye(X.shape[1])
        gram_s = S.T @ S + self.semantic_reg * np.eye(S.shape[1])
        left = _solve_psd(gram_x, X.T @ Y @ S)
        return _solve_psd(gram_s, left.T).T

    def _decision_scores(self, X):
        return X @ self.coef_ @ self.class_attributes_.matrix.T


def _solve_psd(a, b):
    """Solve ``a z = b`` for a symmetric positive semi-definite ``a``.

    A zero regulariser can leave ``a`` singular; least squares then gives the
    minimum-norm solution instead of failing.
    """
    try:
        return linalg.solve(a, b, assume_a="pos")
    except (linalg.LinAlgError, ValueError):
        return linalg.lstsq(a, b)[0]
