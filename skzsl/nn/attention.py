"""Mutual attention sub-nets of MSDN and the causal attention of MSDN++.

Plain torch modules, free of scikit-learn. Shapes use the letters

- ``B`` batch, ``R`` image regions, ``f`` visual feature dimension,
- ``K`` attributes, ``v`` attribute-embedding dimension, ``C`` classes.

Region features enter as ``(B, R, f)``. Every sub-net works in the
``(B, R, K)`` layout: one batched matrix product of the region features with a
``(f, K)`` projection gives a score for every (region, attribute) pair at once,
so there is no Python loop over attributes or regions.

The attribute->visual sub-net (A->V) gives each attribute a spatial attention
map over the regions; the visual->attribute sub-net (V->A) gives each region a
distribution over the attributes. Each turns its attention into one score per
attribute, and the class scores are those attribute scores projected on the
(row-normalised) class table. The causal switch adds, in training, the scores
under a counterfactual attention (MSDN++): the effect of the learned attention
is the factual minus the counterfactual class scores.
"""

import torch
from torch import nn
from torch.nn import functional as F

from ..utils._docstring import fill_doc

__all__ = [
    "AttributeToVisualAttention",
    "VisualToAttributeAttention",
    "AttributeEmbeddings",
    "MutualAttentionNetwork",
    "RegionPositionEmbedding",
    "counterfactual_attention",
]

COUNTERFACTUALS = ("random", "uniform", "shuffle")


def counterfactual_attention(attention, dim, kind="random"):
    """An attention map drawn independently of the input, as the intervention ``do(A = Ā)``.

    Parameters
    ----------
    attention : Tensor
        The learned attention, a distribution along ``dim``; only its shape,
        device and dtype are used (except for ``"shuffle"``).
    dim : int
        The dimension along which the attention sums to one.
    kind : {"random", "uniform", "shuffle"}, default="random"
        ``"random"``: U(0, 2) weights renormalised along ``dim`` (the random
        attention of counterfactual attention learning, Rao et al. 2021);
        ``"uniform"``: every position gets ``1 / size``; ``"shuffle"``: the
        learned maps of the batch, permuted across samples.

    Returns
    -------
    counterfactual : Tensor
        Same shape as ``attention``, summing to one along ``dim``, detached
        (no gradient flows through the intervention).
    """
    if kind == "uniform":
        return torch.full_like(attention, 1.0 / attention.shape[dim])
    if kind == "random":
        weights = torch.empty_like(attention).uniform_(0.0, 2.0)
        return weights / weights.sum(dim=dim, keepdim=True)
    if kind == "shuffle":
        return attention.detach()[torch.randperm(attention.shape[0], device=attention.device)]
    raise ValueError(f"counterfactual must be one of {COUNTERFACTUALS}; got {kind!r}.")


class AttributeEmbeddings(nn.Module):
    """Attribute vectors ``V`` (K, v) and the class table ``Z`` (C, K).

    Parameters
    ----------
    embeddings : Tensor of shape (n_attributes, embedding_dim)
        Initial attribute vectors (word vectors of the attribute names, or one-hot
        identities); L2-normalised per attribute at construction.
    class_table : Tensor of shape (n_classes, n_attributes)
        Class semantics; rows are L2-normalised and frozen.
    trainable : bool, default=True
        Learn ``V`` (as the official CUB/AWA2/SUN scripts do).
    normalize : bool, default=False
        Re-normalise ``V`` at every forward pass (official AWA2 setting).
    """

    def __init__(self, embeddings, class_table, trainable=True, normalize=False):
        super().__init__()
        embeddings = torch.as_tensor(embeddings, dtype=torch.float32)
        class_table = torch.as_tensor(class_table, dtype=torch.float32)
        self.vectors = nn.Parameter(F.normalize(embeddings, dim=1), requires_grad=trainable)
        self.register_buffer("class_table", F.normalize(class_table, dim=1))
        self.normalize = normalize

    def forward(self):
        return F.normalize(self.vectors, dim=1) if self.normalize else self.vectors


class RegionPositionEmbedding(nn.Module):
    """A learned vector per region, added to the region features: ``f_r + p_r``.

    The position embedding of ViT-style models, for region features that do not
    encode where they come from (e.g. small pixel patches). Added once, before
    both sub-nets, it gives every (region, attribute) score and attention logit
    a learned position term ``v_i W p_r``, so an attribute's attention can
    prefer some regions whatever they contain.

    Parameters
    ----------
    n_regions : int
        ``R``.
    feature_dim : int
        ``f``.

    Notes
    -----
    ``p`` starts at zero: the untrained network is the one without positions.
    """

    def __init__(self, n_regions, feature_dim):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(n_regions, feature_dim))

    def forward(self, regions):
        return regions + self.weight


_FRAGMENTS = {"dims": """
    Parameters
    ----------
    feature_dim : int
        ``f``, the region feature dimension.
    embedding_dim : int
        ``v``, the attribute embedding dimension.
"""}


@fill_doc(**_FRAGMENTS)
class AttributeToVisualAttention(nn.Module):
    """Attribute->visual attention: a spatial attention map per attribute.

    With ``f_r`` the features of region ``r`` and ``v_i`` the vector of attribute ``i``:

    - region score ``S[b,r,i] = v_i W1 f_r``;
    - attention ``A[b,r,i] = softmax_r(v_i W2 f_r)``, a map over regions;
    - attribute-based visual feature ``F'[b,i] = sum_r A[b,r,i] f_r``;
    - attribute score ``psi[b,i] = sum_r A[b,r,i] S[b,r,i] = v_i W1 F'[b,i]``.

%(dims)s

    Notes
    -----
    ``W1`` starts from N(0, 1) and ``W2`` from zeros (uniform attention at
    start), as in the official code.
    """

    def __init__(self, feature_dim, embedding_dim):
        super().__init__()
        self.W1 = nn.Parameter(torch.randn(embedding_dim, feature_dim))
        self.W2 = nn.Parameter(torch.zeros(embedding_dim, feature_dim))

    def projections(self, V):
        """(f, 2K) matrix whose product with region features gives [S | attention logits]."""
        return torch.cat([V @ self.W1, V @ self.W2], dim=0).T

    def scores(self, regions, V, attention=None):
        """Region scores, attention logits and attention maps, each ``(B, R, K)``."""
        score, logits = (regions @ self.projections(V)).chunk(2, dim=-1)
        if attention is None:
            attention = logits.softmax(dim=1)
        return score, logits, attention

    def forward(self, regions, V):
        """Attribute scores ``psi`` (B, K) and attention maps ``A`` (B, R, K)."""
        score, _, attention = self.scores(regions, V)
        return (attention * score).sum(dim=1), attention


@fill_doc(**_FRAGMENTS)
class VisualToAttributeAttention(nn.Module):
    """Visual->attribute attention: a distribution over attributes per region.

    - region score ``T[b,r,i] = f_r W11 v_i``;
    - attention ``B[b,r,i] = softmax_i(v_i W21 f_r)``, a distribution over attributes;
    - visual-based attribute feature ``H[b,r] = sum_i B[b,r,i] v_i``;
    - attribute score ``phi[b,i] = sum_r B[b,r,i] T[b,r,i]``.

%(dims)s

    Notes
    -----
    ``W11`` and ``W21`` start from zeros, as in the official code.
    """

    def __init__(self, feature_dim, embedding_dim):
        super().__init__()
        self.W11 = nn.Parameter(torch.zeros(feature_dim, embedding_dim))
        self.W21 = nn.Parameter(torch.zeros(embedding_dim, feature_dim))

    def projections(self, V):
        """(f, 2K) matrix whose product with region features gives [T | attention logits]."""
        return torch.cat([self.W11 @ V.T, (V @ self.W21).T], dim=1)

    def scores(self, regions, V):
        """Region scores, attention logits and attention maps, each ``(B, R, K)``."""
        score, logits = (regions @ self.projections(V)).chunk(2, dim=-1)
        return score, logits, logits.softmax(dim=2)

    def forward(self, regions, V):
        """Attribute scores ``phi`` (B, K) and attention ``B`` (B, R, K)."""
        score, _, attention = self.scores(regions, V)
        return (attention * score).sum(dim=1), attention


class MutualAttentionNetwork(nn.Module):
    """The two mutual attention sub-nets of MSDN, optionally with causal attention (MSDN++).

    Parameters
    ----------
    feature_dim : int
        Region feature dimension ``f``.
    attribute_embeddings : array-like of shape (n_attributes, embedding_dim)
        Initial attribute vectors ``V``.
    class_table : array-like of shape (n_classes, n_attributes)
        Class semantics ``Z``.
    trainable_embeddings : bool, default=True
        Learn ``V``.
    normalize_embeddings : bool, default=False
        Re-normalise ``V`` at every forward pass.
    normalize_features : bool, default=True
        L2-normalise every region's feature vector.
    causal : bool, default=False
        In training mode, also return the effect of each sub-net's attention:
        factual minus counterfactual class scores (MSDN++).
    counterfactual : {"random", "uniform", "shuffle"}, default="random"
        The counterfactual attention (see :func:`counterfactual_attention`).
    n_regions : int, default=None
        Number of regions ``R``; required with ``position_embedding``.
    position_embedding : bool, default=False
        Add a learned vector ``p_r`` (R, f) to every region's (normalised)
        features before both sub-nets, as the position embeddings of
        ViT-style models: ``f_r <- f_r + p_r``. It lets the attention and the
        scores depend on where a region is, for region features that carry no
        position of their own. Starts at zero, so the untrained network is the
        one without it.

    Notes
    -----
    ``forward`` returns a dict with the class scores ``"av"`` and ``"va"``
    (B, C), the attribute scores they are made of, ``"av_attributes"``
    (``psi``) and ``"va_attributes"`` (``phi``), (B, K), and, when causal and
    training, ``"av_effect"`` and ``"va_effect"``.
    The class scores carry no margin: calibration is applied outside.
    """

    def __init__(self, feature_dim, attribute_embeddings, class_table, *,
                 trainable_embeddings=True, normalize_embeddings=False,
                 normalize_features=True, causal=False, counterfactual="random",
                 n_regions=None, position_embedding=False):
        super().__init__()
        self.embeddings = AttributeEmbeddings(attribute_embeddings, class_table,
                                              trainable=trainable_embeddings,
                                              normalize=normalize_embeddings)
        embedding_dim = self.embeddings.vectors.shape[1]
        if position_embedding:
            if n_regions is None:
                raise ValueError("position_embedding needs n_regions.")
            self.position = RegionPositionEmbedding(n_regions, feature_dim)
        else:
            self.position = None
        self.attribute_to_visual = AttributeToVisualAttention(feature_dim, embedding_dim)
        self.visual_to_attribute = VisualToAttributeAttention(feature_dim, embedding_dim)
        self.normalize_features = normalize_features
        self.causal = causal
        self.counterfactual = counterfactual

    def prepare(self, regions):
        """Cast to the parameters' dtype, L2-normalise each region when asked, add positions."""
        regions = regions.to(self.attribute_to_visual.W1.dtype)
        if self.normalize_features:
            regions = F.normalize(regions, dim=-1)
        if self.position is not None:
            regions = self.position(regions)
        return regions

    def forward(self, regions):
        regions = self.prepare(regions)
        V = self.embeddings()
        Z = self.embeddings.class_table
        s_av, _, a_av = self.attribute_to_visual.scores(regions, V)
        s_va, _, a_va = self.visual_to_attribute.scores(regions, V)
        # Both sub-nets reduce over regions; stack them to score classes in one product.
        attribute_scores = torch.stack([(a_av * s_av).sum(1), (a_va * s_va).sum(1)])
        av, va = attribute_scores @ Z.T
        out = {"av": av, "va": va,
               "av_attributes": attribute_scores[0], "va_attributes": attribute_scores[1]}
        if self.causal and self.training:
            cf_av = counterfactual_attention(a_av, dim=1, kind=self.counterfactual)
            cf_va = counterfactual_attention(a_va, dim=2, kind=self.counterfactual)
            cf_scores = torch.stack([(cf_av * s_av).sum(1), (cf_va * s_va).sum(1)])
            av_effect, va_effect = (attribute_scores - cf_scores) @ Z.T
            out.update(av_effect=av_effect, va_effect=va_effect)
        return out

    @torch.no_grad()
    def attention_maps(self, regions):
        """Attention maps of both sub-nets, each ``(B, R, K)``.

        ``"av"`` sums to one over regions (where each attribute looks);
        ``"va"`` sums to one over attributes (what each region shows).
        """
        regions = self.prepare(regions)
        V = self.embeddings()
        return {"av": self.attribute_to_visual.scores(regions, V)[2],
                "va": self.visual_to_attribute.scores(regions, V)[2]}
