"""Losses of MSDN and MSDN++, each named after the paper's term.

Notation: ``s`` class scores of shape (B, C) (no margin), ``y`` class indices,
``m`` the calibration margin vector (``+margin`` on unseen classes, ``-margin``
on seen ones) that the official code adds to every class score.
"""

import math

import torch
from torch.nn import functional as F

from ..utils._docstring import fill_doc

__all__ = [
    "attribute_cross_entropy",
    "calibration_margin",
    "self_calibration_loss",
    "mutual_distillation_loss",
    "causal_effect_loss",
    "attribute_regression_loss",
]


_FRAGMENTS = {"y_loss": """
    y : Tensor of int of shape (B,)
        Class indices.

    Returns
    -------
    loss : scalar Tensor
"""}


def calibration_margin(unseen_mask, margin):
    """The margin vector ``m``: ``+margin`` for unseen classes, ``-margin`` for seen ones.

    Parameters
    ----------
    unseen_mask : bool Tensor of shape (C,)
        True for classes absent from training.
    margin : float
        The official code's built-in bias (1).

    Returns
    -------
    m : Tensor of shape (C,)
    """
    return torch.where(unseen_mask, float(margin), -float(margin))


@fill_doc(**_FRAGMENTS)
def attribute_cross_entropy(scores, y):
    """Cross-entropy on class scores over ALL classes, seen and unseen.

    .. math::

        L_{CE} = -\\frac{1}{B} \\sum_b \\log \\frac{\\exp s_{b, y_b}}{\\sum_{c} \\exp s_{bc}}

    The official scripts set ``is_conservative=True``, which keeps the unseen
    columns in the softmax (labels are seen classes only), and remove the
    calibration margin before the softmax: pass scores without it.

    Parameters
    ----------
    scores : Tensor of shape (B, C)
        Class scores without margin.
%(y_loss)s
    """
    return F.cross_entropy(scores, y)


def self_calibration_loss(scores, unseen_mask):
    """Self-calibration: push probability mass towards unseen classes.

    .. math::

        L_{cal} = -\\log \\Big( \\frac{1}{B} \\sum_b \\sum_{u \\in \\mathcal{U}}
                  \\mathrm{softmax}(s_b + m)_u \\Big)

    The log of the batch-mean unseen mass, not the mean of per-sample logs,
    as in the official code (inherited from DAZLE).

    Parameters
    ----------
    scores : Tensor of shape (B, C)
        Class scores, with the calibration margin added (as in the official code).
    unseen_mask : bool Tensor of shape (C,)
        True for unseen classes; at least one must be True.

    Returns
    -------
    loss : scalar Tensor
    """
    mass = scores.softmax(dim=1)[:, unseen_mask].sum(dim=1)
    return -torch.log(mass.mean())


def mutual_distillation_loss(scores_a, scores_b, eps=1e-12):
    """Semantic distillation between the two sub-nets' class scores.

    With ``d_b = s^a_b - s^b_b``, ``p = softmax(s^a)``, ``q = softmax(s^b)`` and
    ``M = (p + q) / 2``:

    .. math::

        L_{distill} = \\frac{1}{B} \\sum_b \\sum_c \\frac{|d_{bc}|^3}{\\lVert d_b \\rVert_2}
        + \\frac{1}{2 B} \\sum_b \\big[ KL(p_b \\Vert M_b) + KL(q_b \\Vert M_b) \\big]

    a weighted L1 distance (weights ``d^2 / ||d||_2``) plus the Jensen-Shannon
    divergence. Symmetric, and not detached: both sub-nets learn from it
    (mutual distillation). ``eps`` guards ``||d|| = 0`` (identical scores),
    where the official code would divide by zero: the loss and its gradient
    stay finite there.

    Parameters
    ----------
    scores_a, scores_b : Tensor of shape (B, C)
        Class scores of the A->V and V->A sub-nets (margined in the official
        code; a margin shared by both cancels in ``d`` but not in the JSD).
    eps : float, default=1e-12
        Floor of ``||d_b||``.

    Returns
    -------
    loss : scalar Tensor
    """
    d = scores_a - scores_b
    # floor the squared norm before the square root, so that identical scores give a
    # finite (zero) gradient too, not 0 / 0
    norm = d.pow(2).sum(dim=1, keepdim=True).clamp_min(eps * eps).sqrt()
    weighted_l1 = (d.abs().pow(3) / norm).sum(dim=1).mean()
    log_p = scores_a.log_softmax(dim=1)
    log_q = scores_b.log_softmax(dim=1)
    log_m = torch.logsumexp(torch.stack([log_p, log_q]), dim=0) - math.log(2.0)
    kl_p = (log_p.exp() * (log_p - log_m)).sum(dim=1)
    kl_q = (log_q.exp() * (log_q - log_m)).sum(dim=1)
    return weighted_l1 + 0.5 * (kl_p + kl_q).mean()


@fill_doc(**_FRAGMENTS)
def causal_effect_loss(effect_scores, y):
    """Cross-entropy on the causal effect of the attention (MSDN++).

    .. math::

        L_{eff} = -\\frac{1}{B} \\sum_b \\log \\mathrm{softmax}(s_b - \\bar s_b)_{y_b}

    where ``s`` are the class scores under the learned attention and ``s̄``
    under a counterfactual attention (``do(A = Ā)``). Minimising it maximises
    the effect of the learned attention on the correct class, as in
    counterfactual attention learning (Rao et al., ICCV 2021).

    Parameters
    ----------
    effect_scores : Tensor of shape (B, C)
        ``s - s̄``.
%(y_loss)s
    """
    return F.cross_entropy(effect_scores, y)


def attribute_regression_loss(attribute_scores, class_table, y):
    """Attribute regression: per-image attribute scores towards the class's attributes.

    With ``s_b`` the attribute scores of image ``b`` (``psi`` of the A->V
    sub-net or ``phi`` of the V->A one), ``a_c`` the row of class ``c`` in the
    class table used by the class scores (L2-normalised) and ``K`` attributes:

    .. math::

        L_{AR} = \\frac{1}{B K} \\sum_b \\lVert s_b - a_{y_b} \\rVert_2^2

    the mean squared error over the batch and the attributes
    (``F.mse_loss``). It is the attribute regression loss of TransZero (Chen
    et al., AAAI 2022), whose paper writes the squared distance without the
    ``1 / K``; the constant is absorbed in the loss weight. MSDN's official
    code has no such loss: it is an extension, off by default
    (``regression_weight=0``).

    Parameters
    ----------
    attribute_scores : Tensor of shape (B, K)
        Per-image attribute scores of one sub-net.
    class_table : Tensor of shape (C, K)
        Class attribute vectors, the same (row-normalised) table that turns
        attribute scores into class scores.
    y : Tensor of int of shape (B,)
        Class indices (rows of ``class_table``).

    Returns
    -------
    loss : scalar Tensor
    """
    return F.mse_loss(attribute_scores, class_table[y])
