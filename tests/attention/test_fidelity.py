"""The torch sub-nets against an independent numpy forward of the MSDN equations.

The numpy side follows the equations as written for the official code, in its
channel-first layout: region features ``F[b, :, r]`` (f x R per image), one
spatial attention map per attribute for A->V, one attribute distribution per
region for V->A. It shares nothing with the torch code but the weights.
"""

import numpy as np
import pytest
import torch

from skzsl.nn.attention import MutualAttentionNetwork


def _softmax(a, axis):
    e = np.exp(a - a.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _numpy_forward(F, V, Z, W1, W2, W11, W21, uniform_counterfactual=False, P=None):
    """Class scores of both sub-nets; F is (B, f, R) channel-first, P (f, R) positions."""
    F = F / np.linalg.norm(F, axis=1, keepdims=True)       # each region vector
    if P is not None:
        F = F + P[None]                                     # position of region r: P[:, r]
    Z = Z / np.linalg.norm(Z, axis=1, keepdims=True)       # each class row
    B, f, R = F.shape
    K = V.shape[0]
    # attribute -> visual
    S = np.einsum("iv,vf,bfr->bir", V, W1, F)               # score of attribute i at region r
    A = _softmax(np.einsum("iv,vf,bfr->bir", V, W2, F), axis=2)   # map over regions
    F_att = np.einsum("bir,bfr->bif", A, F)                 # attribute-based visual features
    psi = np.einsum("iv,vf,bif->bi", V, W1, F_att)
    assert np.allclose(psi, (A * S).sum(axis=2))
    # visual -> attribute
    T = np.einsum("bfr,fv,iv->bri", F, W11, V)
    Bt = _softmax(np.einsum("iv,vf,bfr->bir", V, W21, F), axis=1)  # distribution over attributes
    phi = np.einsum("bir,bri->bi", Bt, T)
    out = {"av": psi @ Z.T, "va": phi @ Z.T, "av_attributes": psi, "va_attributes": phi}
    if uniform_counterfactual:
        psi_cf = S.mean(axis=2)                              # attention 1/R everywhere
        phi_cf = np.einsum("bri->bi", T) / K                 # attention 1/K everywhere
        out["av_effect"] = (psi - psi_cf) @ Z.T
        out["va_effect"] = (phi - phi_cf) @ Z.T
    return out


@pytest.mark.parametrize("position", [False, True])
@pytest.mark.parametrize("causal", [False, True])
def test_torch_modules_match_numpy_equations(causal, position):
    rng = np.random.RandomState(0)
    B, R, f, K, v, C = 5, 7, 11, 6, 4, 9
    regions = rng.randn(B, R, f)
    V = rng.randn(K, v)
    Z = rng.rand(C, K)
    net = MutualAttentionNetwork(f, V, Z, causal=causal, counterfactual="uniform",
                                 n_regions=R, position_embedding=position).double()
    # Non-zero weights everywhere (the official init leaves three of them at zero).
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.as_tensor(rng.randn(*p.shape)))
    net.train(causal)
    out = {k: t.detach().numpy() for k, t in net(torch.as_tensor(regions)).items()}

    W = {n: p.detach().numpy() for n, p in net.named_parameters()}
    expected = _numpy_forward(
        regions.transpose(0, 2, 1), W["embeddings.vectors"], Z,
        W["attribute_to_visual.W1"], W["attribute_to_visual.W2"],
        W["visual_to_attribute.W11"], W["visual_to_attribute.W21"],
        uniform_counterfactual=causal, P=W["position.weight"].T if position else None)
    assert set(out) == set(expected)
    for key in expected:
        np.testing.assert_allclose(out[key], expected[key], rtol=0, atol=1e-5)


@pytest.mark.parametrize("position", [False, True])
def test_float32_module_matches_numpy_within_1e5(position):
    rng = np.random.RandomState(1)
    B, R, f, K, v, C = 4, 49, 64, 12, 8, 10
    regions = rng.randn(B, R, f).astype(np.float32)
    V = rng.randn(K, v).astype(np.float32)
    Z = rng.rand(C, K)
    net = MutualAttentionNetwork(f, V, Z, n_regions=R, position_embedding=position).eval()
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.as_tensor(0.3 * rng.randn(*p.shape)))
    out = {k: t.detach().numpy().astype(np.float64)
           for k, t in net(torch.as_tensor(regions)).items()}
    W = {n: p.detach().numpy().astype(np.float64) for n, p in net.named_parameters()}
    expected = _numpy_forward(
        regions.astype(np.float64).transpose(0, 2, 1), W["embeddings.vectors"], Z,
        W["attribute_to_visual.W1"], W["attribute_to_visual.W2"],
        W["visual_to_attribute.W11"], W["visual_to_attribute.W21"],
        P=W["position.weight"].T if position else None)
    for key in expected:
        np.testing.assert_allclose(out[key], expected[key], rtol=0, atol=1e-5)


def test_attention_maps_are_distributions():
    rng = np.random.RandomState(0)
    net = MutualAttentionNetwork(5, rng.randn(3, 2), rng.rand(4, 3))
    with torch.no_grad():
        for p in net.parameters():
            p.normal_()
    maps = net.attention_maps(torch.as_tensor(rng.randn(2, 6, 5), dtype=torch.float32))
    assert maps["av"].shape == maps["va"].shape == (2, 6, 3)
    torch.testing.assert_close(maps["av"].sum(1), torch.ones(2, 3))
    torch.testing.assert_close(maps["va"].sum(2), torch.ones(2, 6))


def test_position_embedding_starts_at_zero_and_breaks_permutation_invariance():
    rng = np.random.RandomState(0)
    B, R, f = 3, 6, 5
    regions = torch.as_tensor(rng.randn(B, R, f), dtype=torch.float32)
    shuffled = regions[:, torch.as_tensor(rng.permutation(R))]
    args = (f, rng.randn(4, 3), rng.rand(7, 4))
    torch.manual_seed(0)
    plain = MutualAttentionNetwork(*args).eval()
    torch.manual_seed(0)
    positioned = MutualAttentionNetwork(*args, n_regions=R, position_embedding=True).eval()
    assert positioned.position.weight.shape == (R, f)
    with torch.no_grad():
        for p in plain.parameters():
            p.normal_()
        positioned.load_state_dict({**plain.state_dict(),
                                    "position.weight": torch.zeros(R, f)})
        # zero positions: the same network; without positions, region order is irrelevant
        for key in ("av", "va"):
            torch.testing.assert_close(positioned(regions)[key], plain(regions)[key])
            torch.testing.assert_close(plain(shuffled)[key], plain(regions)[key])
        positioned.position.weight.normal_()
        assert not torch.allclose(positioned(shuffled)["av"], positioned(regions)["av"])


def test_position_embedding_needs_the_number_of_regions():
    with pytest.raises(ValueError, match="needs n_regions"):
        MutualAttentionNetwork(3, np.eye(2), np.eye(2), position_embedding=True)
