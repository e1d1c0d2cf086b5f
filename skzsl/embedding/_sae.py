"""Semantic autoencoder (SAE)."""

from numbers import Real

import numpy as np
from scipy import linalg
from sklearn.preprocessing import normalize
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._docstring import fill_doc
from ._base import _ClosedFormClassifier


@fill_doc
class SAEClassifier(_ClosedFormClassifier):
    """Semantic autoencoder for zero-shot learning (Kodirov et al., 2017).

    Learns a linear encoder ``W`` from features to semantics whose transpose
    decodes semantics back to features, by solving

    .. math::

        \\min_W \\|X - W^T S\\|_F^2 + \\lambda \\|W X - S\\|_F^2

    (columns of ``X`` are samples, of ``S`` their class semantics). Setting the
    gradient to zero gives the Sylvester equation
    :math:`S S^T W + \\lambda W X X^T = (1 + \\lambda) S X^T`.

    Parameters
    ----------
%(class_attributes)s
    reg : float, default=0.2
        :math:`\\lambda`, the weight of the encoding term.
    direction : {"s2f", "f2s"}, default="s2f"
        Where classes are compared: ``"f2s"`` encodes a sample into semantic
        space and compares it with the class vectors; ``"s2f"`` decodes the
        class vectors into feature space and compares them with the sample.
        Both use cosine similarity.
%(gzsl_parameters_and_attributes)s
    coef_ : ndarray of shape (n_attributes, n_features)
        The encoder ``W``.
%(n_features_in)s

    See Also
    --------
    ESZSLClassifier : Closed-form bilinear compatibility baseline.

    Notes
    -----
    Samples are L2-normalised before fitting and scoring, as in the authors'
    code. ``reg`` is usually chosen separately for each direction.

    References
    ----------
    .. [1] E. Kodirov, T. Xiang and S. Gong, "Semantic autoencoder for zero-shot
       learning", CVPR 2017.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.embedding import SAEClassifier
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = SAEClassifier(class_attributes=data.class_attributes, reg=0.5)
    >>> clf.fit(data.X_train, data.y_train).predict(data.X_test_unseen[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **_ClosedFormClassifier._parameter_constraints,
        "reg": [Interval(Real, 0, None, closed="neither")],
        "direction": [StrOptions({"s2f", "f2s"})],
    }

    def __init__(self, class_attributes=None, *, reg=0.2, direction="s2f", seen_bias=0.0,
                 candidates="all"):
        self._store_parameters(locals())

    def _solve(self, X, y_idx):
        Xc = normalize(X).T
        S = self.class_attributes_.matrix[y_idx].T
        return _solve_symmetric_sylvester(S @ S.T, self.reg * (Xc @ Xc.T),
                                          (1.0 + self.reg) * (S @ Xc.T))

    def _decision_scores(self, X):
        X = normalize(X)
        A = self.class_attributes_.matrix
        if self.direction == "f2s":
            return normalize(X @ self.coef_.T) @ normalize(A).T
        return X @ normalize(A @ self.coef_).T


def _solve_symmetric_sylvester(a, b, c):
    """Solve ``a w + w b = c`` for symmetric positive semi-definite ``a`` and ``b``.

    With ``a = U diag(p) U^T`` and ``b = V diag(q) V^T`` the solution is
    ``U [(U^T c V) / (p_i + q_j)] V^T``: two symmetric eigendecompositions
    instead of the general Schur method of ``scipy.linalg.solve_sylvester``,
    several times faster at 2048 features. Where ``p_i + q_j`` is 0 the system
    is singular and the minimum-norm solution (0 there) is taken.
    """
    p, u = linalg.eigh(a)
    q, v = linalg.eigh(b)
    denom = np.clip(p, 0, None)[:, None] + np.clip(q, 0, None)[None, :]
    rotated = u.T @ c @ v
    tiny = denom <= 1e-12 * max(denom.max(), 1e-300)
    rotated = np.where(tiny, 0.0, rotated / np.where(tiny, 1.0, denom))
    return u @ rotated @ v.T
