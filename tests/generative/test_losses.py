"""Each loss of the generative family against a value computed by hand."""

import math

import numpy as np
import pytest
import torch

from skzsl.nn import generative_losses as L


def t(values):
    return torch.tensor(values, dtype=torch.float64)


def test_gradient_penalty_of_a_linear_critic():
    # D(x, a) = 3 x1 + 4 x2 has gradient (3, 4) everywhere: GP = (5 - 1)^2
    def critic(x, a):
        return (x * t([3.0, 4.0])).sum(dim=1)

    real, fake = t([[1.0, 2.0], [0.0, 1.0]]), t([[0.5, 0.5], [2.0, 2.0]])
    assert L.gradient_penalty(critic, real, fake, t([[0.0], [0.0]])).item() == pytest.approx(16.0)


def test_wgan_losses():
    loss = L.wgan_gp_critic_loss(t([1.0, 3.0]), t([0.0, 2.0]), t(0.5), gp_weight=10.0)
    assert loss.item() == pytest.approx(1.0 - 2.0 + 5.0)
    assert L.wgan_generator_loss(t([1.0, 3.0])).item() == pytest.approx(-2.0)


def test_vae_loss_mse_and_kl():
    # squared error 1 + 4 = 5; KL of N(1, 1) from N(0, 1) is 0.5
    loss = L.vae_loss(t([[1.0, 2.0]]), t([[0.0, 0.0]]), t([[1.0]]), t([[0.0]]), kind="mse")
    assert loss.item() == pytest.approx(5.5)


def test_vae_loss_bce_is_per_sample():
    # two samples of two features at 0.5 against 1: 4 ln 2 summed, divided by 2
    loss = L.vae_loss(t([[0.5, 0.5]] * 2), t([[1.0, 1.0]] * 2), t([[0.0]] * 2), t([[0.0]] * 2))
    assert loss.item() == pytest.approx(2 * math.log(2))


def test_classification_loss():
    assert L.classification_loss(t([[0.0, 0.0]]), torch.tensor([0])).item() == pytest.approx(
        math.log(2))


def test_soft_label_distillation_loss():
    # teacher softmax (3/4, 1/4), student (1/2, 1/2)
    expected = 0.75 * math.log(1.5) + 0.25 * math.log(0.5)
    loss = L.soft_label_distillation_loss(t([[0.0, 0.0]]), t([[math.log(3.0), 0.0]]),
                                          temperature=1.0)
    assert loss.item() == pytest.approx(expected)
    # at temperature 2 the logits are halved and the KL is scaled by 4
    p = np.array([math.sqrt(3), 1.0]) / (math.sqrt(3) + 1)
    expected_t2 = 4 * float(np.sum(p * np.log(p / 0.5)))
    loss = L.soft_label_distillation_loss(t([[0.0, 0.0]]), t([[math.log(3.0), 0.0]]),
                                          temperature=2.0)
    assert loss.item() == pytest.approx(expected_t2)


def test_soft_label_distillation_does_not_train_the_teacher():
    teacher = t([[1.0, 0.0]]).requires_grad_(True)
    L.soft_label_distillation_loss(t([[0.0, 0.0]]).requires_grad_(True), teacher).backward()
    assert teacher.grad is None


def test_feature_map_distillation_loss_compares_normalised_squares():
    # at(1, 0) = (1, 0) and at(0, 2) = (0, 4) / 4 = (0, 1): squared differences (1, 1),
    # their mean over the n * d = 2 entries is 1
    assert L.feature_map_distillation_loss(t([[1.0, 0.0]]), t([[0.0, 2.0]])).item() == \
        pytest.approx(1.0)
    # scale does not matter: at(3, 0) = at(1, 0)
    assert L.feature_map_distillation_loss(t([[3.0, 0.0]]), t([[1.0, 0.0]])).item() == \
        pytest.approx(0.0)
    # at(1, 1) = (1, 1) / sqrt(2) against (1, 0): ((1/sqrt2 - 1)^2 + 1/2) / 2 = 1 - 1/sqrt2
    assert L.feature_map_distillation_loss(t([[1.0, 1.0]]), t([[1.0, 0.0]])).item() == \
        pytest.approx(1 - 1 / math.sqrt(2))
    # levels add up: 1 + (1 - 1/sqrt2)
    loss = L.feature_map_distillation_loss([t([[1.0, 0.0]]), t([[1.0, 1.0]])],
                                           [t([[0.0, 2.0]]), t([[1.0, 0.0]])])
    assert loss.item() == pytest.approx(2 - 1 / math.sqrt(2))


def test_feature_map_distillation_does_not_train_the_teacher():
    teacher = t([[1.0, 2.0]]).requires_grad_(True)
    L.feature_map_distillation_loss(t([[0.5, 0.5]]).requires_grad_(True), teacher).backward()
    assert teacher.grad is None


def test_reconstruction_loss():
    assert L.reconstruction_loss(t([[1.0, 3.0]]), t([[0.0, 0.0]])).item() == pytest.approx(5.0)


def test_semantic_relation_matching_loss():
    # ((0.8 - 1)^2 + (0.1 - 0)^2) / 2
    loss = L.semantic_relation_matching_loss(t([[0.8, 0.1]]), torch.tensor([0]))
    assert loss.item() == pytest.approx(0.025)


def test_total_correlation_losses():
    # the encoder's term: mean of D_0 - D_1 = (0.8 - 0.4) / 2
    assert L.total_correlation_loss(t([[0.9, 0.1], [0.3, 0.7]])).item() == pytest.approx(0.2)
    # equal scores: each cross-entropy is ln 2
    loss = L.total_correlation_discriminator_loss(t([[0.0, 0.0]]), t([[0.0, 0.0]]))
    assert loss.item() == pytest.approx(2 * math.log(2))
    # scores (1, 0): joint is class 0, -log(e / (e + 1)) = log(1 + 1/e); permuted is
    # class 1, -log(1 / (e + 1)) = log(1 + e)
    loss = L.total_correlation_discriminator_loss(t([[1.0, 0.0]]), t([[1.0, 0.0]]))
    assert loss.item() == pytest.approx(math.log(1 + math.exp(-1)) + math.log(1 + math.e))


def test_semantic_regularization_loss():
    # visual cosines (1, 0) against semantic cosines (1/sqrt(2), 0)
    loss = L.semantic_regularization_loss(t([[1.0, 0.0]]), t([[1.0, 0.0], [0.0, 1.0]]),
                                          t([[1.0, 0.0]]), t([[1.0, 1.0], [0.0, 1.0]]))
    assert loss.item() == pytest.approx((1 - 1 / math.sqrt(2)) ** 2 / 2)


def test_semantic_preservation_loss():
    loss = L.semantic_preservation_loss(t([[1.0, 2.0], [0.0, 0.0]]), t([[0.0, 0.0]] * 2))
    assert loss.item() == pytest.approx(2.5)


def test_semantic_knowledge_distillation_loss():
    classes = t([[1.0, 0.0], [0.0, 1.0]])
    # teacher cosines (1, 0), student (0, 1): KL = (p - q)(1 - 0) = tanh(1/2)
    loss = L.semantic_knowledge_distillation_loss(t([[0.0, 1.0]]), t([[2.0, 0.0]]), classes,
                                                  temperature=1.0)
    assert loss.item() == pytest.approx(math.tanh(0.5))
    same = L.semantic_knowledge_distillation_loss(t([[1.0, 1.0]]), t([[2.0, 2.0]]), classes)
    assert same.item() == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(("tau", "expected"), [
    # logits: teacher (1, 0) / tau, student (0, 1) / tau; with a = 1 / tau,
    # p = (s(a), s(-a)), q = (s(-a), s(a)) for the sigmoid s, so
    # KL(p || q) = p1 (a - 0) + p2 (0 - a) = a (p1 - p2) = a tanh(a / 2).
    # tau = 0.5: a = 2, KL = 2 tanh(1), factor tau * max(1, tau) = 0.5 -> tanh(1)
    (0.5, math.tanh(1.0)),
    # tau = 2: a = 1/2, KL = tanh(1/4) / 2, factor 2 * 2 = 4 -> 2 tanh(1/4)
    (2.0, 2 * math.tanh(0.25)),
    # tau = 0.1: a = 10, KL = 10 tanh(5), factor 0.1 -> tanh(5) (tau^2 gave 0.1 tanh(5))
    (0.1, math.tanh(5.0)),
])
def test_semantic_knowledge_distillation_loss_by_hand(tau, expected):
    classes = t([[1.0, 0.0], [0.0, 1.0]])
    loss = L.semantic_knowledge_distillation_loss(t([[0.0, 3.0]]), t([[2.0, 0.0]]), classes,
                                                  temperature=tau)
    assert loss.item() == pytest.approx(expected)


TEMPERATURES = (0.05, 0.1, 0.5, 1.0, 4.0)


def test_semantic_knowledge_distillation_gradient_keeps_its_scale_across_temperatures():
    # Student r = (0, 1) on class 2, teacher on class 1. d cos(r, e1) / dr = (1, 0) and
    # d cos(r, e2) / dr = 0 at r = (0, 1), so |dL/dr| = |dL/dc1| = factor / tau * |q1 - p1|
    # = factor / tau * tanh(1 / (2 tau)): tanh(1 / (2 tau)) with the factor tau for
    # tau <= 1 (1.00, 1.00, 0.76, 0.46), tau tanh(1 / (2 tau)) with tau^2 above (0.50 at 4).
    # With tau^2 throughout it would be tau tanh(1 / (2 tau)) everywhere, 0.05 at tau = 0.05:
    # a spread of 10 across these temperatures instead of 2.2.
    classes = t([[1.0, 0.0], [0.0, 1.0]])
    norms = []
    for tau in TEMPERATURES:
        student = t([[0.0, 1.0]]).requires_grad_(True)
        loss = L.semantic_knowledge_distillation_loss(student, t([[2.0, 0.0]]), classes,
                                                      temperature=tau)
        (grad,) = torch.autograd.grad(loss, student)
        norms.append(grad.norm().item())
        expected = max(1.0, tau) * math.tanh(1 / (2 * tau))
        assert norms[-1] == pytest.approx(expected)
    assert max(norms) <= 3 * min(norms)


def test_semantic_knowledge_distillation_gradient_of_a_batch_does_not_vanish_at_low_tau():
    # six rows over five classes, student and teacher drawn independently. The norms are
    # 0.18, 0.18, 0.10, 0.057, 0.059 (a spread of 3.2: over more classes the limit above
    # tau = 1, a cosine difference divided by C, is further from the one below); with tau^2
    # throughout they were 0.009, 0.018, 0.050, 0.057, 0.059 (a spread of 6.5), the gradient
    # vanishing with tau
    rng = np.random.default_rng(0)
    classes, teacher, student0 = (t(rng.standard_normal(shape).tolist())
                                  for shape in ((5, 4), (6, 4), (6, 4)))
    norms = {}
    for tau in TEMPERATURES:
        student = student0.clone().requires_grad_(True)
        loss = L.semantic_knowledge_distillation_loss(student, teacher, classes, temperature=tau)
        norms[tau] = torch.autograd.grad(loss, student)[0].norm().item()
    assert max(norms.values()) <= 4 * min(norms.values())
    assert norms[0.05] >= norms[1.0] / 3


def test_weighted_l1_loss_by_hand():
    # row 1: d = (3, 4), |d| = 5: (9*3 + 16*4) / 5 = 91/5; row 2: d = (0, 2): 4*2/2 = 4
    predicted, target = t([[3.0, 4.0], [1.0, 3.0]]), t([[0.0, 0.0], [1.0, 1.0]])
    assert L.weighted_l1_loss(predicted, target).item() == pytest.approx((91 / 5 + 4) / 2)


def test_vae_loss_bce_reads_the_reconstruction_plus_1e12():
    # reconstruction 0 against target 0: log(1 - 1e-12) ~ 0, no clamping to 1e-6
    loss = L.vae_loss(t([[0.0]]), t([[0.0]]), t([[0.0]]), t([[0.0]]))
    assert loss.item() == pytest.approx(0.0, abs=1e-10)


@pytest.mark.parametrize(("penalty", "expected"), [(2.0, 11.0), (1.02, 10.0), (0.5, 10 / 1.1)])
def test_adapt_gp_weight_follows_the_official_band(penalty, expected):
    assert L.adapt_gp_weight(10.0, penalty) == pytest.approx(expected)


def test_decoder_normalisation_keeps_zero_rows_finite():
    import torch

    from skzsl.nn.generative import unit_rows

    x = torch.tensor([[3.0, 4.0], [0.0, 0.0]], requires_grad=True)
    out = unit_rows(x)
    torch.testing.assert_close(out.detach(), torch.tensor([[0.6, 0.8], [0.0, 0.0]]))
    out.sum().backward()
    assert torch.isfinite(x.grad).all()
    # where the norm is not tiny: exactly the plain normalisation
    y = torch.randn(5, 3)
    assert torch.equal(unit_rows(y), y / y.norm(dim=1, keepdim=True))


def test_weighted_l1_loss_of_an_exact_row_is_finite():
    import torch

    from skzsl.nn.generative_losses import weighted_l1_loss

    target = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    predicted = torch.tensor([[1.0, 0.0], [0.6, 0.8]], requires_grad=True)
    loss = weighted_l1_loss(predicted, target)
    # row 1 is exact (weight 0); row 2: d = (0.6, -0.2), |d| = sqrt(0.4),
    # sum d^2 |d| / |d| = (0.216 + 0.008) / sqrt(0.4); mean over the 2 rows
    expected = (0.6 ** 3 + 0.2 ** 3) / 0.4 ** 0.5 / 2
    assert float(loss.detach()) == pytest.approx(expected, rel=1e-6)
    loss.backward()
    assert torch.isfinite(predicted.grad).all()
