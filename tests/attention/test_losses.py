"""Each loss on a case small enough to compute by hand."""

import math

import pytest
import torch

from skzsl.nn.attention import counterfactual_attention
from skzsl.nn.attention_losses import (
    attribute_cross_entropy,
    attribute_regression_loss,
    calibration_margin,
    causal_effect_loss,
    mutual_distillation_loss,
    self_calibration_loss,
)


def test_attribute_cross_entropy_uses_every_class():
    # softmax([0, log 3]) = [1/4, 3/4]; an unseen third class with score log 4
    # takes half the mass: [1/8, 3/8, 1/2].
    scores = torch.tensor([[0.0, math.log(3.0), math.log(4.0)]])
    loss = attribute_cross_entropy(scores, torch.tensor([1]))
    assert loss.item() == pytest.approx(-math.log(3 / 8))


def test_self_calibration_is_minus_log_of_mean_unseen_mass():
    unseen = torch.tensor([False, True])
    # unseen mass 1/2 for the first sample, 1/4 for the second: mean 3/8
    scores = torch.tensor([[0.0, 0.0], [math.log(3.0), 0.0]])
    assert self_calibration_loss(scores, unseen).item() == pytest.approx(-math.log(3 / 8))


def test_calibration_margin():
    margin = calibration_margin(torch.tensor([True, False, True]), 1.0)
    assert margin.tolist() == [1.0, -1.0, 1.0]


def test_mutual_distillation_loss_by_hand():
    a = torch.tensor([[3.0, 0.0], [0.0, 0.0]])
    b = torch.tensor([[0.0, 4.0], [0.0, 0.0]])
    # sample 1: d = (3, -4), ||d|| = 5, sum |d|^3 / ||d|| = (27 + 64) / 5
    # sample 2: d = 0 -> 0 (guarded)
    weighted_l1 = (91 / 5 + 0) / 2
    p = [math.exp(3) / (math.exp(3) + 1), 1 / (math.exp(3) + 1)]
    q = [1 / (1 + math.exp(4)), math.exp(4) / (1 + math.exp(4))]
    m = [(pi + qi) / 2 for pi, qi in zip(p, q, strict=True)]
    kl = lambda x: sum(xi * math.log(xi / mi) for xi, mi in zip(x, m, strict=True))  # noqa: E731
    jsd = (0.5 * (kl(p) + kl(q)) + 0.0) / 2        # second sample: identical, JSD 0
    loss = mutual_distillation_loss(a, b)
    assert loss.item() == pytest.approx(weighted_l1 + jsd, rel=1e-6)
    assert torch.isfinite(loss)


def test_mutual_distillation_loss_is_symmetric_and_flows_to_both():
    a = torch.randn(4, 5, requires_grad=True)
    b = torch.randn(4, 5, requires_grad=True)
    loss = mutual_distillation_loss(a, b)
    assert loss.item() == pytest.approx(mutual_distillation_loss(b, a).item())
    loss.backward()
    assert a.grad.abs().sum() > 0 and b.grad.abs().sum() > 0


def test_mutual_distillation_loss_gradient_is_finite_for_identical_scores():
    # the sub-nets agree exactly (e.g. both start at zero): no 0 / 0 in the backward pass
    a = torch.zeros(3, 4, requires_grad=True)
    b = torch.zeros(3, 4, requires_grad=True)
    loss = mutual_distillation_loss(a, b)
    loss.backward()
    assert loss.item() == 0.0
    assert torch.isfinite(a.grad).all() and torch.isfinite(b.grad).all()
    assert a.grad.abs().sum() == 0 and b.grad.abs().sum() == 0


def test_causal_effect_loss_is_cross_entropy_on_the_effect():
    factual = torch.tensor([[2.0, 1.0]])
    counterfactual = torch.tensor([[2.0, 1.0 - math.log(3.0)]])
    # effect = (0, log 3): softmax = (1/4, 3/4)
    loss = causal_effect_loss(factual - counterfactual, torch.tensor([1]))
    assert loss.item() == pytest.approx(-math.log(3 / 4))


def test_attribute_regression_loss_by_hand():
    table = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.6, 0.8]])
    scores = torch.tensor([[1.0, 2.0, 0.0], [0.0, 0.0, 0.0]], requires_grad=True)
    y = torch.tensor([0, 1])
    # sample 1 vs class 0: (0, 2, 0) -> 4; sample 2 vs class 1: (0, .6, .8) -> 1
    # mean over B=2 samples and K=3 attributes: (4 + 1) / 6
    loss = attribute_regression_loss(scores, table, y)
    assert loss.item() == pytest.approx(5 / 6)
    loss.backward()
    # d/ds = 2 (s - a) / (B K)
    expected = 2 * (scores.detach() - table[y]) / 6
    torch.testing.assert_close(scores.grad, expected)
    assert attribute_regression_loss(table[y], table, y).item() == 0.0


@pytest.mark.parametrize("kind", ["random", "uniform", "shuffle"])
def test_counterfactual_attention_is_a_distribution(kind):
    attention = torch.rand(3, 5, 4).softmax(dim=1)
    cf = counterfactual_attention(attention, dim=1, kind=kind)
    assert cf.shape == attention.shape and not cf.requires_grad
    torch.testing.assert_close(cf.sum(dim=1), torch.ones(3, 4))
    if kind == "uniform":
        assert torch.all(cf == 0.2)


def test_counterfactual_attention_rejects_unknown_kind():
    with pytest.raises(ValueError, match="counterfactual must be one of"):
        counterfactual_attention(torch.ones(2, 2), dim=1, kind="reversed")
