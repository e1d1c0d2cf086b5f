"""Shapes and contracts of the generative torch modules."""

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
    assert torch.equal(emb.embed(torch.ones(1, 6)), emb(torch.ones(1, 6),
                                                        torch.rand(2, 3))["student_features"])


def test_disentanglement_modules():
    ae = DisentangledAutoencoder(6, 8, 3, 2)
    h_sem, h_res, recon = ae(torch.rand(4, 6))
    assert h_sem.shape == (4, 3) and h_res.shape == (4, 2) and recon.shape == (4, 6)
    scores = RelationNet(3, 5, 8)(h_sem, torch.rand(7, 5))
    assert scores.shape == (4, 7) and bool(((scores > 0) & (scores < 1)).all())
    assert TCDiscriminator(5, 8)(torch.rand(4, 5)).shape == (4,)


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
