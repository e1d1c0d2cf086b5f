"""Shapes and contracts of the generative torch modules."""

import math

import pytest
import torch

from skzsl.nn.generative import (
    ConditionalCritic,
    ConditionalEncoder,
    ConditionalGenerator,
    DisentangledAutoencoder,
    RelationNet,
    SelfDistillationEmbedding,
    TCDiscriminator,
    permute_rows,
)


def test_generator_critic_encoder_shapes():
    a = torch.rand(5, 3)
    gen = ConditionalGenerator(3, 4, 8, 6)
    x = gen.sample(a)
    assert x.shape == (5, 6) and bool(((x >= 0) & (x <= 1)).all())
    assert ConditionalCritic(6, 3, 8)(x, a).shape == (5,)
    mu, logvar = ConditionalEncoder(6, 3, 8, 4)(x, a)
    assert mu.shape == logvar.shape == (5, 4)


def test_sampling_follows_the_generator_argument():
    gen = ConditionalGenerator(3, 4, 8, 6, output="linear")
    a = torch.rand(2, 3)
    g1, g2 = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    assert torch.equal(gen.sample(a, generator=g1), gen.sample(a, generator=g2))


def test_self_distillation_embedding_scores_any_class_table():
    emb = SelfDistillationEmbedding(6, 3, 8, 5)
    out = emb(torch.rand(4, 6), torch.rand(7, 3))
    assert out["student_logits"].shape == out["teacher_logits"].shape == (4, 7)
    assert out["student_features"].shape == out["teacher_features"].shape == (4, 5)
    # FRSKD's self-teacher refines each level of the student at its width
    assert [h.shape for h in out["student_levels"]] == [(4, 8), (4, 5)]
    assert [h.shape for h in out["teacher_levels"]] == [(4, 8), (4, 5)]
    assert torch.equal(emb.embed(torch.ones(1, 6)), emb(torch.ones(1, 6),
                                                        torch.rand(2, 3))["student_features"])


def test_self_teacher_reads_the_student_levels_not_the_input():
    emb = SelfDistillationEmbedding(6, 3, 8, 5)
    levels = [torch.rand(4, 8), torch.rand(4, 5)]
    teacher = emb.teacher(levels)
    # the same levels give the same teacher output, whatever input made them
    assert all(torch.equal(a, b) for a, b in zip(teacher, emb.teacher(levels), strict=True))
    # its cross-entropy reaches the student (no detach), as in FRSKD
    x = torch.rand(4, 6)
    emb(x, torch.rand(7, 3))["teacher_logits"].sum().backward()
    assert emb.student_hidden[0].weight.grad.abs().sum() > 0


def test_disentanglement_modules():
    ae = DisentangledAutoencoder(6, 8, 3, 2, dropout=0.4)
    h_sem, h_res, recon = ae(torch.rand(4, 6))
    assert h_sem.shape == (4, 3) and h_res.shape == (4, 2) and recon.shape == (4, 6)
    assert sum(isinstance(m, torch.nn.Dropout) and m.p == 0.4 for m in ae.modules()) == 3
    scores = RelationNet(3, 5, 8)(h_sem, torch.rand(7, 5))
    assert scores.shape == (4, 7) and bool(((scores > 0) & (scores < 1)).all())
    joint = TCDiscriminator(5)(torch.rand(4, 5))
    assert joint.shape == (4, 2) and bool(((joint > 0) & (joint < 1)).all())


def test_relation_net_is_sdgzsls_layer_on_concatenated_pairs():
    # the factored first layer is the same function as Linear(latent + attributes) on [h, a]
    torch.manual_seed(0)
    net = RelationNet(3, 5, 8)
    h, a = torch.rand(4, 3), torch.rand(7, 5)
    first = torch.nn.Linear(8, 8)
    with torch.no_grad():
        first.weight.copy_(torch.cat([net.latent.weight, net.semantic.weight], dim=1))
        first.bias.copy_(net.latent.bias)
    pairs = torch.cat([h.unsqueeze(1).expand(4, 7, 3), a.unsqueeze(0).expand(4, 7, 5)], dim=2)
    explicit = torch.sigmoid(net.out(torch.relu(first(pairs)))).squeeze(2)
    torch.testing.assert_close(net(h, a), explicit)


def test_permute_rows_keeps_the_rows():
    x = torch.arange(10.0).reshape(5, 2)
    shuffled = permute_rows(x, generator=torch.Generator().manual_seed(0))
    assert sorted(shuffled[:, 0].tolist()) == x[:, 0].tolist()


def test_reference_initialisation_and_encoder_heads():
    from skzsl.nn.generative import ConditionalEncoder, init_normal_

    torch.manual_seed(0)
    encoder = init_normal_(ConditionalEncoder(50, 10, 400, 8))
    weights = torch.cat([p.detach().flatten() for n, p in encoder.named_parameters()
                         if "weight" in n])
    assert abs(float(weights.std()) - 0.02) < 0.002
    assert all(float(p.detach().abs().max()) == 0 for n, p in encoder.named_parameters()
               if "bias" in n)
    # two layers, then separate mean and log-variance heads (the official encoder)
    assert encoder.mean.in_features == encoder.log_variance.in_features == 16
    z, mu, logvar = encoder.latent(torch.zeros(3, 50), torch.zeros(3, 10))
    assert z.shape == mu.shape == logvar.shape == (3, 8)


def test_feedback_enters_the_generator_hidden_layer():
    from skzsl.nn.generative import (
        ConditionalGenerator,
        FeedbackModule,
        ModuleBundle,
        SemanticDecoder,
    )

    torch.manual_seed(0)
    bundle = ModuleBundle(torch.eye(3), torch.tensor([0, 1, -1]),
                          generator=ConditionalGenerator(3, 3, 16, 5),
                          decoder=SemanticDecoder(5, 16, 3), feedback=FeedbackModule(16))
    noise, attributes = torch.randn(4, 3), torch.eye(3)[[0, 1, 2, 0]]
    plain = bundle.generate(noise, attributes)
    hidden = bundle.decoder.hidden(plain)
    by_hand = bundle.generator(noise, attributes, feedback=0.5 * bundle.feedback(hidden))
    assert torch.allclose(bundle.generate(noise, attributes, feedback_weight=0.5), by_hand)
    assert not torch.allclose(by_hand, plain)
    # the decoder's output is L2-normalised; its features are [output, hidden]
    assert torch.allclose(bundle.decoder(plain).norm(dim=1), torch.ones(4))
    assert bundle.decoder.features(plain).shape == (4, 3 + 16)


def test_batchwise_tc_discriminator_loss_permutes_within_each_batch():
    # D scores (h_sem - h_res, 0) before its sigmoid. Each batch's rows are all
    # (1, 1) or all (2, 2), so a permutation within a batch leaves every pair
    # joint: both scores are sigmoid(0) = 1/2, each cross-entropy is log 2, a
    # batch's loss is 2 log 2 and so is the mean over batches. A pair permuted
    # across the batches, (1, 2) or (2, 1), would move the loss.
    from skzsl.nn.generative_terms import batchwise_tc_discriminator_loss

    discriminator = TCDiscriminator(2)
    with torch.no_grad():
        discriminator.net[0].weight.copy_(torch.tensor([[1.0, -1.0], [0.0, 0.0]]))
        discriminator.net[0].bias.zero_()
    ones, twos = torch.ones(4, 1), torch.full((4, 1), 2.0)
    for seed in range(10):
        torch.manual_seed(seed)
        loss = batchwise_tc_discriminator_loss(discriminator, [(ones, ones), (twos, twos)])
        assert loss.item() == pytest.approx(2 * math.log(2))
    # pooled into one batch, the permutation mixes them and the loss moves
    pooled = torch.cat([ones, twos])
    torch.manual_seed(0)
    mixed = batchwise_tc_discriminator_loss(discriminator, [(pooled, pooled)])
    assert mixed.item() != pytest.approx(2 * math.log(2))
