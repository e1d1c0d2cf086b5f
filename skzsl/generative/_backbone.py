"""The three feature-generating backbones, built as their reference codes train them.

``backbone`` chooses one of

- ``"clswgan"``: f-CLSWGAN (Xian et al. 2018), a conditional WGAN-GP generator
  with prior noise, a fixed gradient-penalty weight and, in
  :class:`CLSWGANClassifier`, the classification loss ``L_CLS``;
- ``"fvaegan"``: f-VAEGAN (Xian et al. 2019), a conditional VAE whose decoder is
  the WGAN-GP generator; the critic and the adversarial term read the
  encoder's latent (``encoded_noise``), the GP weight adapts;
- ``"tfvaegan"``: TF-VAEGAN (Narayan et al. 2020), f-VAEGAN plus a semantic
  decoder, a feedback module (a second pass per epoch) and decoder features in
  the final classifier's input.

Parameters set to ``"auto"`` take the reference value of the chosen backbone
(:data:`AUTO`). This module builds the stage-1 module bundle and its skorch net
for any estimator of the family; the method's own modules and terms come from
the estimator.
"""

from functools import partial
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions

from .._training import RandomDrawBatchSampler, estimator_net, sampler_loader
from ..nn.generative import (
    ConditionalCritic,
    ConditionalEncoder,
    ConditionalGenerator,
    FeedbackModule,
    ModuleBundle,
    SemanticDecoder,
    init_normal_,
)
from ._nets import ADAM_GAN

__all__ = ["BACKBONES", "BACKBONE_CONSTRAINTS", "AUTO", "backbone_settings", "build_bundle",
           "build_generator_net"]

BACKBONES = ("clswgan", "fvaegan", "tfvaegan")

# parameter constraints of the backbone's parameters (the estimators' base class)
BACKBONE_CONSTRAINTS = {
    "feature_scaling": [StrOptions({"minmax"}), None],
    "semantic_scaling": [StrOptions({"l2", "standard"}), None],
        "backbone": [StrOptions(set(BACKBONES))],
        "noise_dim": [Interval(Integral, 1, None, closed="left"), None],
        "gp_weight_rule": [StrOptions({"auto", "fixed", "adaptive"})],
        "encoded_noise": [StrOptions({"auto"}), "boolean"],
        "freeze_decoder": ["boolean"],
        **{name: [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")]
           for name in ("critic_weight", "adversarial_weight")},
        **{name: [Interval(Real, 0, None, closed="left")] for name in (
            "decoder_weight", "feedback_weight", "synthesis_feedback_weight")},
        **{name: [Interval(Real, 0, None, closed="neither")] for name in (
            "decoder_lr", "feedback_lr")},
        **{name: [Interval(Integral, 1, None, closed="left")] for name in (
            "hidden_dim", "n_critic", "batch_size", "classifier_max_epochs",
            "classifier_batch_size")},
        **{name: [Interval(Integral, 0, None, closed="left")] for name in (
            "max_epochs", "n_synthetic_per_class", "n_synthetic_seen_per_class")},
        "gp_weight": [Interval(Real, 0, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "classifier_lr": [Interval(Real, 0, None, closed="neither")],
}

# the reference value of each "auto" parameter, per backbone
AUTO = {
    "clswgan": {"gp_weight_rule": "fixed", "critic_weight": 1.0, "adversarial_weight": 1.0,
                "encoded_noise": False, "classification_weight": 0.01},
    "fvaegan": {"gp_weight_rule": "adaptive", "critic_weight": 10.0, "adversarial_weight": 10.0,
                "encoded_noise": True, "classification_weight": 0.0},
    "tfvaegan": {"gp_weight_rule": "adaptive", "critic_weight": 10.0,
                 "adversarial_weight": 10.0, "encoded_noise": True,
                 "classification_weight": 0.0},
}

# Adam betas of the VAE encoder (the official code passes none: PyTorch's default)
_ENCODER_BETAS = (0.9, 0.999)


def backbone_settings(estimator):
    """The estimator's backbone parameters with every ``"auto"`` resolved.

    Returns
    -------
    settings : dict
        ``gp_weight_rule``, ``critic_weight``, ``adversarial_weight``,
        ``encoded_noise`` and ``classification_weight``, the weight of
        f-CLSWGAN's ``L_CLS`` (the reference value unless the estimator
        trains with ``L_CLS``: another method's term of that name is its own).
    """
    reference = AUTO[estimator.backbone]
    settings = {}
    for name, value in reference.items():
        if name == "classification_weight" and not estimator._uses_lcls:
            settings[name] = value
            continue
        given = getattr(estimator, name)
        settings[name] = value if isinstance(given, str) and given == "auto" else given
    if settings["encoded_noise"] and estimator.backbone == "clswgan":
        raise ValueError(
            "encoded_noise=True needs a VAE encoder, which backbone='clswgan' has not. "
            "Use backbone='fvaegan' or 'tfvaegan', or encoded_noise='auto'.")
    return settings


def _semantics(estimator):
    """The class vectors the networks read, after ``semantic_scaling``."""
    semantics = estimator.class_attributes_.matrix
    if estimator.semantic_scaling == "l2":
        norms = np.linalg.norm(semantics, axis=1, keepdims=True)
        semantics = semantics / np.where(norms > 0, norms, 1.0)
    elif estimator.semantic_scaling == "standard":
        std = semantics.std(axis=0)
        semantics = (semantics - semantics.mean(axis=0)) / np.where(std > 0, std, 1.0)
    return torch.as_tensor(semantics, dtype=torch.float32)


def build_bundle(estimator, n_features, fusion=("visual",), **modules):
    """The stage-1 :class:`ModuleBundle`: the backbone's networks plus ``modules``.

    Every backbone network (generator, critic, encoder, decoder, feedback) is
    initialised N(0, 0.02) with zero biases, as in the reference codes; the
    method's ``modules`` keep PyTorch's initialisation. With TF-VAEGAN the
    decoder features join the classifier input, right after ``"visual"``.
    """
    n_att = estimator.class_attributes_.n_attributes
    noise = estimator.noise_dim or n_att
    hidden = estimator.hidden_dim
    output = "sigmoid" if estimator.feature_scaling == "minmax" else "linear"
    backbone = {
        "generator": ConditionalGenerator(n_att, noise, hidden, n_features, output=output),
        "critic": ConditionalCritic(n_features, n_att, hidden),
    }
    if estimator.backbone != "clswgan":
        backbone["encoder"] = ConditionalEncoder(n_features, n_att, hidden, noise)
    fusion = list(fusion)
    if estimator.backbone == "tfvaegan":
        backbone["decoder"] = SemanticDecoder(n_features, hidden, n_att)
        backbone["feedback"] = FeedbackModule(hidden)
        fusion.insert(1 if fusion[0] == "visual" else 0, "decoded")
    for module in backbone.values():
        init_normal_(module)
    seen_position = torch.as_tensor(estimator._seen_position(), dtype=torch.long)
    return ModuleBundle(_semantics(estimator), seen_position,
                        fusion=fusion, **backbone, **modules)


def build_generator_net(estimator, net_class, bundle, *, groups, weights):
    """The stage-1 skorch net of ``estimator`` (a :class:`GenerativeNet` subclass).

    Optimizer groups: ``critic``; ``generator`` (generator, encoder and
    feedback module, one backward pass); ``decoder`` (TF-VAEGAN); and the
    method's ``groups``. Adam with beta1 0.5 everywhere but the encoder
    (PyTorch's default betas, as the official code), the decoder and the
    feedback module at their own learning rates.
    """
    settings = backbone_settings(estimator)
    tf = estimator.backbone == "tfvaegan"
    generator = ("generator",) + (("encoder",) if estimator.backbone != "clswgan" else ())
    base_groups = {"critic": ("critic",), "generator": generator + (("feedback",) if tf else ())}
    if tf:
        base_groups["decoder"] = ("decoder",)
    n_passes = 2 if tf else 1
    sampler = partial(RandomDrawBatchSampler, n_draws=estimator.n_critic, n_passes=n_passes)
    return estimator_net(
        estimator, net_class, bundle, desc=f"{type(estimator).__name__} generator",
        optimizer=ADAM_GAN,
        optimizer__param_groups=[("encoder.*", {"betas": _ENCODER_BETAS}),
                                 ("feedback.*", {"lr": estimator.feedback_lr}),
                                 ("decoder.*", {"lr": estimator.decoder_lr})],
        iterator_train=sampler_loader, iterator_train__make_sampler=sampler,
        predict_batch_size=4096, optimizer_groups={**base_groups, **groups},
        n_critic=estimator.n_critic, gp_weight=estimator.gp_weight,
        gp_weight_rule=settings["gp_weight_rule"], critic_weight=settings["critic_weight"],
        adversarial_weight=settings["adversarial_weight"],
        encoded_noise=settings["encoded_noise"],
        reconstruction="bce" if estimator.feature_scaling == "minmax" else "mse",
        decoder_weight=estimator.decoder_weight if tf else 0.0,
        feedback_weight=estimator.feedback_weight if tf else 0.0,
        synthesis_feedback_weight=estimator.synthesis_feedback_weight if tf else 0.0,
        freeze_decoder=estimator.freeze_decoder, n_passes=n_passes, weights=weights)
