"""The skorch nets of the generative family, one per training stage.

:class:`GenerativeNet` runs stage 1 of every generate-then-classify method
(any of the three backbones of :mod:`skzsl.generative._backbone`) and
each method subclasses it with its own terms (:class:`CLSWGANNet`,
:class:`SDDNNet`, :class:`SemanticKDNet`); :class:`ClassifierNet` trains the
final softmax classifier (and f-CLSWGAN's pretrained one). The transformers'
nets (:class:`SelfDistillationNet`, :class:`DisentanglementNet`) share the
loss assembly of :mod:`skzsl.nn.generative_terms`. Built on
:class:`skzsl._training.MultiOptimizerNet`; the maths lives in ``skzsl.nn``.
"""

import torch

from .._training import MultiOptimizerNet
from ..nn.generative_losses import (
    adapt_gp_weight,
    classification_loss,
    gradient_penalty,
    semantic_knowledge_distillation_loss,
    semantic_preservation_loss,
    semantic_regularization_loss,
    semantic_relation_matching_loss,
    soft_label_distillation_loss,
    vae_loss,
    weighted_l1_loss,
    wgan_generator_loss,
    wgan_gp_critic_loss,
)
from ..nn.generative_terms import (
    class_means,
    disentanglement_terms,
    self_distillation_terms,
    tc_discriminator_loss,
)

__all__ = ["ADAM_GAN", "GenerativeNet", "ClassifierNet", "CLSWGANNet", "SDDNNet",
           "SemanticKDNet", "SelfDistillationNet", "DisentanglementNet"]

def ADAM_GAN(params, **kwargs):  # noqa: N802 (used as skorch's optimizer class)
    """Adam with beta1 = 0.5, as every feature-generation code.

    The fused implementation (one kernel for the whole update) where torch has
    it for the parameters' device (CPU and CUDA): the same update, in a
    fraction of the time of the per-tensor loop on small networks.
    """
    params = list(params)
    tensors = [p for group in params
               for p in (group["params"] if isinstance(group, dict) else [group])]
    kwargs.setdefault("betas", (0.5, 0.999))
    if tensors:
        kwargs.setdefault("fused", tensors[0].device.type in ("cpu", "cuda"))
    return torch.optim.Adam(params, **kwargs)


class GenerativeNet(MultiOptimizerNet):
    """Stage 1 of every generative method: the backbone's training, with hooks for the method.

    Each training step (one *generator iteration*) reads ``n_critic`` batches
    drawn independently (:class:`skzsl._training.RandomDrawBatchSampler`).
    For each: one step of TF-VAEGAN's semantic decoder on the real features
    (when there is one), then one critic step on real features against
    features generated from prior noise or, with ``encoded_noise``, from the
    encoder's latent. Then :meth:`auxiliary_step` (the method's other networks)
    and one generator step on the last batch: the VAE loss (f-VAEGAN,
    TF-VAEGAN), the adversarial term on the VAE's reconstruction
    (``encoded_noise``) or on a prior-noise sample, the decoder loss on it
    (TF-VAEGAN), and :meth:`generator_terms`. With ``gp_weight_rule="adaptive"``
    the gradient-penalty weight then adapts (:func:`adapt_gp_weight`). With two
    passes per epoch (TF-VAEGAN) the second runs through the feedback module.

    ``train_loss`` is the generator's objective (``objective_generator``);
    the critic's is ``objective_critic``; ``gp_weight`` records the weight.

    Parameters
    ----------
    module : ModuleBundle
        With ``generator`` and ``critic``, ``encoder`` for the VAE backbones,
        ``decoder`` and ``feedback`` for TF-VAEGAN.
    n_critic : int, default=5
        Critic steps (and batches) per generator step.
    gp_weight : float, default=10.0
        Initial weight of the gradient penalty.
    gp_weight_rule : {"fixed", "adaptive"}, default="fixed"
    critic_weight, adversarial_weight : float, default=1.0
        Weights of the critic's loss and of the generator's adversarial term
        (TF-VAEGAN's ``gammaD`` and ``gammaG``).
    encoded_noise : bool, default=False
        Generate the critic's fakes and the adversarial term from the encoder's latent.
    reconstruction : {"bce", "mse"}, default="bce"
        VAE reconstruction loss (BCE needs features in [0, 1]).
    decoder_weight, feedback_weight, synthesis_feedback_weight : float, default=0.0
        TF-VAEGAN's decoder-loss weight and feedback weights in training
        (``a1``) and at synthesis (``a2``).
    freeze_decoder : bool, default=False
        Leave the decoder out of the generator step (TF-VAEGAN on AWA2).
    n_passes : int, default=1
        Passes per epoch; the second (TF-VAEGAN) uses the feedback module.
    weights : dict, default=None
        The method's loss weights and settings, read by its hooks.
    **kwargs
        :class:`skzsl._training.MultiOptimizerNet` parameters.
    """

    loss_names = ("loss_critic", "loss_generator", "wasserstein", "gp_weight", "loss_vae",
                  "loss_decoder")
    objective = "generator"

    def __init__(self, *args, n_critic=5, gp_weight=10.0, gp_weight_rule="fixed",
                 critic_weight=1.0, adversarial_weight=1.0, encoded_noise=False,
                 reconstruction="bce", decoder_weight=0.0, feedback_weight=0.0,
                 synthesis_feedback_weight=0.0, freeze_decoder=False, n_passes=1, weights=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.n_critic = n_critic
        self.gp_weight = gp_weight
        self.gp_weight_rule = gp_weight_rule
        self.critic_weight = critic_weight
        self.adversarial_weight = adversarial_weight
        self.encoded_noise = encoded_noise
        self.reconstruction = reconstruction
        self.decoder_weight = decoder_weight
        self.feedback_weight = feedback_weight
        self.synthesis_feedback_weight = synthesis_feedback_weight
        self.freeze_decoder = freeze_decoder
        self.n_passes = n_passes
        self.weights = weights

    def initialize(self):
        super().initialize()
        self.gp_weight_ = float(self.gp_weight)
        return self

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        super().on_epoch_begin(net, dataset_train=dataset_train, **kwargs)
        self._iteration = 0
        self._per_pass = -(-len(dataset_train) // self.batch_size) if dataset_train else 1

    def _latent(self, X, attributes):
        """Noise of the fakes: the encoder's reparameterised latent, or prior noise."""
        if self.encoded_noise:
            return self.module_.encoder.latent(X, attributes)[0]
        return self.module_.generator.noise(attributes)

    def compute_step(self, X, y):
        bundle = self.module_
        # the second pass of each epoch runs through the feedback module (TF-VAEGAN)
        self.feedback_ = (self.feedback_weight if self.n_passes > 1
                          and (self._iteration // self._per_pass) % 2 == 1 else 0.0)
        self._iteration += 1
        decoding = "decoder" in bundle._modules and self.decoder_weight > 0
        losses, penalties = {}, []
        for X_real, y_real in zip(X.chunk(self.n_critic), y.chunk(self.n_critic), strict=True):
            attributes = bundle.class_semantics[y_real]
            if decoding:
                self.update("decoder", self.decoder_weight * weighted_l1_loss(
                    bundle.decoder(X_real), attributes))
            with torch.no_grad():
                fake = bundle.generate(self._latent(X_real, attributes), attributes,
                                       self.feedback_)
            real_scores = bundle.critic(X_real, attributes)
            fake_scores = bundle.critic(fake, attributes)
            penalty = gradient_penalty(bundle.critic, X_real, fake, attributes)
            loss = self.critic_weight * wgan_gp_critic_loss(real_scores, fake_scores, penalty,
                                                            self.gp_weight_)
            self.update("critic", loss)
            penalties.append(penalty.detach())
        losses["loss_critic"] = loss
        losses["wasserstein"] = (real_scores.mean() - fake_scores.mean()).detach()
        losses["gp_weight"] = self.gp_weight_
        if self.gp_weight_rule == "adaptive":
            mean_penalty = float(torch.stack(penalties).mean())
            self.gp_weight_ = adapt_gp_weight(self.gp_weight_, mean_penalty)
        losses.update(self.auxiliary_step(X_real, y_real, attributes, fake))
        losses.update(self._generator_step(X_real, y_real, attributes, decoding))
        return losses

    def _generator_step(self, X, y, attributes, decoding):
        bundle = self.module_
        terms = {}
        fake = None
        bundle.critic.requires_grad_(False)
        if self.freeze_decoder and decoding:
            bundle.decoder.requires_grad_(False)
        try:
            if "encoder" in bundle._modules:
                z, mu, logvar = bundle.encoder.latent(X, attributes)
                reconstruction = bundle.generate(z, attributes, self.feedback_)
                terms["loss_vae"] = vae_loss(reconstruction, X, mu, logvar,
                                             kind=self.reconstruction)
                if self.encoded_noise:
                    fake = reconstruction
            if fake is None:
                fake = bundle.generate(bundle.generator.noise(attributes), attributes,
                                       self.feedback_)
            terms["loss_generator"] = self.adversarial_weight * wgan_generator_loss(
                bundle.critic(fake, attributes))
            if decoding:
                terms["loss_decoder"] = self.decoder_weight * weighted_l1_loss(
                    bundle.decoder(fake), attributes)
            terms.update(self.generator_terms(X, y, attributes, fake))
            also = ("decoder",) if decoding and not self.freeze_decoder else ()
            self.update("generator", sum(terms.values()), also=also)
        finally:
            bundle.critic.requires_grad_(True)
            if "decoder" in bundle._modules:
                bundle.decoder.requires_grad_(True)
        return terms

    def auxiliary_step(self, X, y, attributes, fake):
        """Train the method's other networks once per iteration; ``fake`` is detached.

        ``X``, ``y`` and ``attributes`` are the last critic batch, which the
        generator step reads too. Returns the named losses to record.
        """
        return {}

    def generator_terms(self, X, y, attributes, fake):
        """The method's weighted terms added to the generator's loss (named)."""
        return {}


class ClassifierNet(MultiOptimizerNet):
    """Trains a softmax classifier (the ``classifier`` child) with cross-entropy.

    Its ``forward`` (``module_(X)``) returns the logits, so predictions go
    through skorch's ``forward_iter``.
    """

    loss_names = ("loss_classifier",)

    def compute_step(self, X, y):
        loss = classification_loss(self.module_(X), y)
        self.update("all", loss)
        return {"loss_classifier": loss}


class CLSWGANNet(GenerativeNet):
    """WGAN-GP plus f-CLSWGAN's classification loss through a frozen pretrained classifier."""

    loss_names = (*GenerativeNet.loss_names, "loss_classification")

    def generator_terms(self, X, y, attributes, fake):
        if not self.weights["classification"]:
            return {}
        bundle = self.module_
        logits = bundle.pretrained_classifier(fake)
        target = bundle.seen_position[y]
        return {"loss_classification":
                self.weights["classification"] * classification_loss(logits, target)}


class SDDNNet(GenerativeNet):
    """Stage 1 of SDDN: the backbone's generator, self-distillation embedding, disentanglement.

    Per batch: critic steps; one step of the embedding module and the
    disentangled autoencoder on real seen features, on generated features of
    the same classes and (``refine_unseen``) on generated features of random
    unseen classes; one TC-discriminator step; one
    generator step whose generated features must be classified by the student,
    agree with the self-teacher and match their class in the relation network
    (the self-distillation conditional generation module).
    """

    loss_names = (*GenerativeNet.loss_names, "loss_student", "loss_teacher", "loss_soft_label",
                  "loss_feature_map", "loss_reconstruction", "loss_relation",
                  "loss_independence", "loss_tc_discriminator", "loss_generated_classification",
                  "loss_generated_soft_label", "loss_generated_relation")

    def _refines_unseen(self):
        return self.weights["refine_unseen"] and self.module_.unseen_index.numel() > 0

    def _logit_space(self, y):
        """Class semantics the student scores against, and the target of class positions ``y``.

        Every class of the table when generated unseen features are refined,
        else the seen classes only.
        """
        bundle = self.module_
        if self._refines_unseen():
            return bundle.class_semantics, y
        return bundle.seen_semantics, bundle.seen_position[y]

    def auxiliary_step(self, X, y, attributes, fake):
        bundle, w = self.module_, self.weights
        features, target = [X, fake], [y, y]
        if self._refines_unseen():
            # the paper refines "synthesized visual features of unseen classes" too
            unseen = bundle.random_unseen(y.shape[0])
            with torch.no_grad():
                features.append(bundle.sample(bundle.class_semantics[unseen], self.feedback_))
            target.append(unseen)
        features, target = torch.cat(features), torch.cat(target)
        semantics, logit_target = self._logit_space(target)
        out, terms = self_distillation_terms(bundle.embedding, features, logit_target,
                                             semantics, w)
        (h_sem, h_res), more = disentanglement_terms(
            bundle.autoencoder, bundle.relation, bundle.tc_discriminator,
            out["student_features"], target, bundle.class_semantics, w)
        terms.update(more)
        self.update("embedding", sum(terms.values()))
        if w["independence"]:
            loss = tc_discriminator_loss(bundle.tc_discriminator, h_sem, h_res)
            self.update("discriminator", loss)
            terms["loss_tc_discriminator"] = loss
        return terms

    def generator_terms(self, X, y, attributes, fake):
        bundle, w = self.module_, self.weights
        semantics, target = self._logit_space(y)
        out = bundle.embedding(fake, semantics)
        terms = {}
        if w["classification"]:
            terms["loss_generated_classification"] = w["classification"] * classification_loss(
                out["student_logits"], target)
        if w["soft_label"]:
            terms["loss_generated_soft_label"] = w["soft_label"] * soft_label_distillation_loss(
                out["student_logits"], out["teacher_logits"], w["temperature"])
        if w["relation"]:
            h_sem, _ = bundle.autoencoder.encode(out["student_features"])
            classes, column = torch.unique(y, return_inverse=True)
            scores = bundle.relation(h_sem, bundle.class_semantics[classes])
            terms["loss_generated_relation"] = w["relation"] * semantic_relation_matching_loss(
                scores, column)
        return terms


class SemanticKDNet(GenerativeNet):
    """Stage 1 of the semantic-KD generator.

    Per batch: critic steps; one step of the semantic regressor ``R`` on real
    features (``R(x) -> a_y``); one generator step with the WGAN loss plus

    - semantic regularization: the generated class means of a draw of
      unseen classes (seen classes of the batch when there are none) must
      relate to the real seen class means of the batch as their semantics do;
    - semantic preservation: ``R`` maps generated features (batch classes and
      the drawn unseen classes) back to their class semantics;
    - semantic distillation: the semantic soft labels of each real feature
      (teacher, through ``R``) are distilled into those of the generated
      feature of the same class (student).
    """

    loss_names = (*GenerativeNet.loss_names, "loss_regressor", "loss_regularization",
                  "loss_preservation", "loss_distillation")

    def auxiliary_step(self, X, y, attributes, fake):
        loss = semantic_preservation_loss(self.module_.regressor(X), attributes)
        self.update("regressor", loss)
        return {"loss_regressor": loss}

    def _draw_unseen(self, n_classes, per_class):
        """Class positions and semantics of ``per_class`` samples of random unseen classes."""
        bundle = self.module_
        unseen = bundle.unseen_index
        if unseen.numel() == 0:
            return None
        pick = unseen[torch.randperm(unseen.numel(), device=unseen.device)[:n_classes]]
        target = pick.repeat_interleave(per_class)
        return target, bundle.class_semantics[target]

    def generator_terms(self, X, y, attributes, fake):
        bundle, w = self.module_, self.weights
        semantics = bundle.class_semantics
        terms = {}
        drawn = self._draw_unseen(w["n_regularized_classes"], w["samples_per_class"])
        if drawn is not None:
            target_u, attributes_u = drawn
            fake_u = bundle.sample(attributes_u, self.feedback_)
        if w["regularization"]:
            real_means, real_classes = class_means(X, y)
            if drawn is None:
                fake_means, fake_classes = class_means(fake, y)
            else:
                fake_means, fake_classes = class_means(fake_u, target_u)
            terms["loss_regularization"] = w["regularization"] * semantic_regularization_loss(
                fake_means, real_means.detach(), semantics[fake_classes], semantics[real_classes])
        if w["preservation"]:
            generated, generated_attributes = fake, attributes
            if drawn is not None:
                generated = torch.cat([fake, fake_u])
                generated_attributes = torch.cat([attributes, attributes_u])
            terms["loss_preservation"] = w["preservation"] * semantic_preservation_loss(
                bundle.regressor(generated), generated_attributes)
        if w["distillation"]:
            terms["loss_distillation"] = w["distillation"] * semantic_knowledge_distillation_loss(
                bundle.regressor(fake), bundle.regressor(X), semantics, w["temperature"])
        return terms


class SelfDistillationNet(MultiOptimizerNet):
    """Trains :class:`SelfDistillationRefiner`'s embedding: student, self-teacher, distillation."""

    loss_names = ("loss_student", "loss_teacher", "loss_soft_label", "loss_feature_map")

    def __init__(self, *args, weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.weights = weights

    def compute_step(self, X, y):
        bundle = self.module_
        _, terms = self_distillation_terms(bundle.embedding, X, y, bundle.class_semantics,
                                           self.weights)
        self.update("embedding", sum(terms.values()))
        return terms


class DisentanglementNet(MultiOptimizerNet):
    """Trains :class:`VisualSemanticDisentangler`: autoencoder and relation, then the TC critic."""

    loss_names = ("loss_reconstruction", "loss_relation", "loss_independence",
                  "loss_tc_discriminator")
    objective = "autoencoder"

    def __init__(self, *args, weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.weights = weights

    def compute_step(self, X, y):
        bundle = self.module_
        (h_sem, h_res), terms = disentanglement_terms(
            bundle.autoencoder, bundle.relation, bundle.tc_discriminator, X, y,
            bundle.class_semantics, self.weights)
        self.update("autoencoder", sum(terms.values()))
        if self.weights["independence"]:
            loss = tc_discriminator_loss(bundle.tc_discriminator, h_sem, h_res)
            self.update("discriminator", loss)
            terms["loss_tc_discriminator"] = loss
        return terms
