"""SDDN: self-distillation and disentanglement network (Liu et al., Electronics 2024)."""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval, StrOptions

from ..nn.generative import (
    DisentangledAutoencoder,
    RelationNet,
    SelfDistillationEmbedding,
    TCDiscriminator,
)
from ..nn.generative_losses import (
    classification_loss,
    soft_label_distillation_loss,
)
from ..nn.generative_terms import (
    batchwise_tc_discriminator_loss,
    disentanglement_terms,
    self_distillation_terms,
)
from ..utils._docstring import fill_doc
from ._backbones import GenerativeNet
from ._base import BaseGenerativeClassifier
from ._docstrings import FRAGMENTS

# SDGZSL steps its TC discriminator in 1 of dis_step + 1 iterations (dis_step = 3 in its
# SUN and CUB scripts); the independence term acts in the other ones
_DISCRIMINATOR_INTERVAL = 4
# SDGZSL's Adam for its autoencoder, relation network and discriminator: PyTorch's
# default betas and weight decay 1e-6 (SUN script)
_SDGZSL_ADAM = {"betas": (0.9, 0.999), "weight_decay": 1e-6}


class SDDNNet(GenerativeNet):
    """Stage 1 of SDDN: the backbone's step plus the self-distillation and disentanglement modules.

    Per iteration, after the critic steps (:class:`GenerativeNet`):

    - :meth:`auxiliary_step` trains the self-distillation embedding (student
      and self-teacher, 3.3.1) on real seen features, on generated features of
      the same classes and (``refine_unseen``) on generated features of random
      unseen classes.
    - :meth:`generator_terms` adds to the generator's loss the student's
      classification and soft-label distillation of the generated features
      (the self-distillation conditional generation module, 3.3.2), and
      SDGZSL's disentanglement terms (3.4.1-3.4.3) on the generated and the
      real features: reconstruction of the real feature, semantic relation
      matching, and, in three iterations out of four, the independence term
      with a linear warm-up over the epochs. In the fourth, SDGZSL's TC
      discriminator learns instead, from the same step's latents of the
      generated and of the real feature. As in SDGZSL, these terms train the
      autoencoder and relation network in the same step as the generator
      (``joint_groups``), and reach the generator through its features.
    """

    loss_names = (*GenerativeNet.loss_names, "loss_student", "loss_teacher", "loss_soft_label",
                  "loss_feature_map", "loss_reconstruction", "loss_relation",
                  "loss_independence", "loss_tc_discriminator", "loss_generated_classification",
                  "loss_generated_soft_label")
    joint_groups = ("disentangler",)

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net, X=X, y=y, **kwargs)
        self._step = 0

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

    def _discriminator_turn(self):
        return self._step % _DISCRIMINATOR_INTERVAL == 0

    def _warm_up(self):
        """SDGZSL's ``gamma``: 0 in the first epoch, rising linearly to 1 at the last."""
        return (len(self.history) - 1) / max(self.max_epochs, 1)

    def auxiliary_step(self, X, y, attributes, fake):
        bundle, w = self.module_, self.weights
        terms = {}
        if w["self_distillation"]:
            features, target = [X, fake], [y, y]
            if self._refines_unseen():
                # the paper refines "synthesized visual features of unseen classes" too
                unseen = bundle.random_unseen(y.shape[0])
                with torch.no_grad():
                    features.append(bundle.sample(bundle.class_semantics[unseen],
                                                  self.feedback_))
                target.append(unseen)
            features, target = torch.cat(features), torch.cat(target)
            semantics, logit_target = self._logit_space(target)
            _, terms = self_distillation_terms(bundle.embedding, features, logit_target,
                                               semantics, w)
            self.update("embedding", terms)
        return terms

    def generator_terms(self, X, y, attributes, fake):
        bundle, w = self.module_, self.weights
        terms = {}
        if w["self_distillation"]:
            semantics, target = self._logit_space(y)
            out = bundle.embedding(fake, semantics)
            if w["generated_classification"]:
                terms["loss_generated_classification"] = (
                    w["generated_classification"]
                    * classification_loss(out["student_logits"], target))
            if w["soft_label"]:
                terms["loss_generated_soft_label"] = (
                    w["soft_label"] * soft_label_distillation_loss(
                        out["student_logits"], out["teacher_logits"], w["temperature"]))
        weights = {**w, "independence": w["independence"] * self._warm_up()}
        discriminator_turn = self._discriminator_turn()
        self._step += 1
        latents = []
        # SDGZSL: the autoencoder reads the generated and the real feature and
        # reconstructs the real one from both
        for features in (fake, X) if w["disentangle"] else ():
            latent, more = disentanglement_terms(
                bundle.autoencoder, bundle.relation, bundle.tc_discriminator, features, y,
                bundle.class_semantics, weights, reconstruction_target=X,
                independence=not discriminator_turn)
            latents.append(latent)
            for name, term in more.items():
                terms[name] = terms[name] + term if name in terms else term
        if w["independence"] and discriminator_turn:
            # SDGZSL (train.py L183-197): the discriminator learns from this step's
            # latents of the generated and of the real feature, before the
            # generator's step
            loss = batchwise_tc_discriminator_loss(bundle.tc_discriminator, latents)
            self.update("discriminator", loss)
            self._tc_loss = loss.detach()
        return terms

    def compute_step(self, X, y):
        self._tc_loss = None
        losses = super().compute_step(X, y)
        if self._tc_loss is not None:
            losses["loss_tc_discriminator"] = self._tc_loss
        return losses


@fill_doc(**FRAGMENTS)
class SDDNClassifier(BaseGenerativeClassifier):
    """Self-distillation and disentanglement network for GZSL (Liu et al. 2024).

    On top of a feature-generating backbone (``backbone``: f-CLSWGAN,
    f-VAEGAN or TF-VAEGAN; the text we hold of the paper does not say which
    one it used), SDDN makes visual features consistent with the class
    semantics in two modules, trained jointly with the generator. Only the
    paper's abstract and section titles could be read; each module follows
    the work its section title names (``docs/sddn_reference.md`` reads both
    codes line by line):

    - **Self-distillation embedding** (3.3.1-3.3.2, after FRSKD, Ji et al.
      2021). A student network maps a visual feature to a refined feature and
      class logits; an auxiliary self-teacher built on the student's levels
      (FRSKD's top-down and bottom-up fusion, on vectors) produces soft labels
      and refined levels that supervise the student (soft-label distillation,
      ``soft_label_weight``; feature-map distillation, ``feature_map_weight``).
      It refines real seen and generated features alike, and the generator
      learns to produce features the student classifies correctly
      (``generated_classification_weight``): the self-distillation conditional
      generation module.
    - **Disentanglement network** (3.4.1-3.4.3, after SDGZSL, Chen et al.
      2021, with its SUN script's weights and schedules). An autoencoder
      with dropout splits the visual feature, real or generated, into a
      semantic-consistent latent and a residual one, and reconstructs the
      real feature from both
      (``reconstruction_weight``). A relation network matches the
      semantic-consistent latent with its class semantics (semantic relation
      matching, ``relation_weight``), and a linear total-correlation
      discriminator, stepped in one iteration out of four, makes the two
      latents independent (``independence_weight``, warmed up linearly from 0
      over the epochs). As in SDGZSL these terms train the autoencoder in the
      generator's step and reach the generator through its features.

    The final GZSL softmax classifier, trained on real seen and synthetic
    unseen samples, reads what ``fusion`` names, concatenated: the visual
    feature, the refined feature, the semantic-consistent latent of the
    visual feature. Every weight can be set to 0 for ablation.

    Parameters
    ----------
%(backbone_parameters)s
    embedding_dim : int, default=256
        Size of the refined feature (the student's and self-teacher's last level).
    latent_dim : int, default=256
        Size of each of the two latents, semantic-consistent and residual
        (SDGZSL's ``S_dim`` and ``NS_dim``, which its code requires equal).
        SDGZSL's SUN and CUB scripts use 2048 on 2048-d ResNet features;
        with ``hidden_dim`` 2048 too, validation H on SUN-A and the digits was
        no higher (-0.003 and -0.013, 3 seeds) at 4 to 6.5 times the CPU time
        (BENCHMARKS.md, issue #21), so the defaults are the widths validation
        chose. Search larger ones on validation classes for wide features.
    hidden_dim : int, default=512
        Hidden width of the student and self-teacher, of the autoencoder's
        decoder and of the relation network (SDGZSL: 2048; the backbone's is
        ``backbone__hidden_dim``).
    generated_classification_weight : float, default=0.1
        Weight of the student's classification loss on generated features,
        in the generator's objective.
    soft_label_weight : float, default=1.0
        Weight of soft-label distillation (self-teacher -> student), on real
        and generated features.
    feature_map_weight : float, default=1.0
        Weight of feature distillation (self-teacher levels -> student levels).
    temperature : float, default=4.0
        Softmax temperature of soft-label distillation (FRSKD's 4).
    reconstruction_weight : float, default=1.0
        Weight of the autoencoder's reconstruction of the real feature, from
        the real and from the generated feature (SDGZSL: 1).
    relation_weight : float, default=30.0
        Weight of semantic relation matching, on the real and on the generated
        feature (SDGZSL's ``ga``: 30 in its SUN script, 5 for CUB).
    independence_weight : float, default=0.3
        Weight of the independence (total-correlation) term between the
        latents at the end of its warm-up (SDGZSL's ``beta``: 0.3 for SUN).
    dropout : float, default=0.4
        Dropout in the autoencoder (SDGZSL's ``ae_drop``: 0.4 for SUN, 0 for CUB).
    refine_unseen : bool, default=False
        Also train the self-distillation embedding and the disentanglement
        network, each batch, on generated features of randomly drawn unseen
        classes (the student then scores every class of the table). ``False``
        trains both modules on real and generated seen-class features; the
        generated unseen features are refined by the trained student when the
        classifier's training set is built. Both read the paper's "refine ...
        synthesized visual features of unseen classes"; ``True`` costs about
        twice the time per batch.
    fusion : {"visual+semantic", "semantic", "visual+refined+semantic", \
"refined+semantic", "visual"}, default="visual"
        What the GZSL classifier reads, concatenated: the (scaled) visual
        feature, the refined feature, the semantic-consistent latent of the
        visual feature. SDGZSL's classifier reads the latent alone
        (``"semantic"``); the paper fuses "the consistent visual-semantic
        features" without saying which. With ``"visual"`` the two modules act
        on the classifier only through the generator they trained; it is the
        default because validation chose it on SUN-A (+0.007 H over
        ``"visual+semantic"``, +0.017 over ``"semantic"``) and on the digits
        (+0.091 and +0.111; 3 seeds each, BENCHMARKS.md, issue #21). Search
        it on validation data like the weights.
%(common_parameters_and_attributes)s

    See Also
    --------
    CLSWGANClassifier : The backbone alone.
    SelfDistillationRefiner : The self-distillation module as a transformer.
    VisualSemanticDisentangler : The disentanglement network as a transformer.

    Notes
    -----
    Only the paper's abstract, contribution list and section outline could be
    read; the method section's equations could not. The form of every term
    follows the works the outline names (self-teacher: FRSKD, Ji et al. 2021;
    disentanglement: SDGZSL, Chen et al. 2021) and each choice is listed in
    ``docs/generative_notes.md``.

    References
    ----------
    .. [1] X. Liu, C. Wang, G. Yang, C. Wang, Y. Long, J. Liu and Z. Zhang,
       "Leveraging self-distillation and disentanglement network to enhance
       visual-semantic feature consistency in generalized zero-shot
       learning", Electronics 13(10):1977, 2024.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.generative import CLSWGAN, SDDNClassifier
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = SDDNClassifier(data.class_attributes, backbone=CLSWGAN(hidden_dim=64),
    ...                      hidden_dim=64, embedding_dim=32, latent_dim=16,
    ...                      max_epochs=5, n_synthetic_per_class=50,
    ...                      verbose=0, random_state=0)
    >>> clf.fit(data.X_train, data.y_train).predict(data.X_test_unseen[:3]).shape
    (3,)
    """

    _net_class = SDDNNet
    _parameter_constraints: dict = {
        **BaseGenerativeClassifier._parameter_constraints,
        **{name: [Interval(Integral, 1, None, closed="left")] for name in (
            "embedding_dim", "latent_dim", "hidden_dim")},
        **{name: [Interval(Real, 0, None, closed="left")] for name in (
            "generated_classification_weight", "soft_label_weight", "feature_map_weight",
            "reconstruction_weight", "relation_weight", "independence_weight")},
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "refine_unseen": ["boolean"],
        "fusion": [StrOptions({"visual+refined+semantic", "refined+semantic",
                               "visual+semantic", "semantic", "visual"})],
    }

    def __init__(self, class_attributes=None, *, backbone="clswgan", max_epochs=30,
                 embedding_dim=256, latent_dim=256, hidden_dim=512,
                 generated_classification_weight=0.1, soft_label_weight=1.0,
                 feature_map_weight=1.0, temperature=4.0, reconstruction_weight=1.0,
                 relation_weight=30.0, independence_weight=0.3, dropout=0.4,
                 refine_unseen=False, fusion="visual", n_synthetic_per_class=300,
                 n_synthetic_seen_per_class=0, classifier_max_epochs=25,
                 classifier_batch_size=300, classifier_lr=1e-3, early_stopping=False,
                 validation_every=1, patience=5, seen_bias=0.0, candidates="all",
                 callbacks=None, random_state=None, device="auto", verbose=1):
        super().__init__(**self._parent_arguments(BaseGenerativeClassifier, locals()))
        self.embedding_dim = embedding_dim
        self.latent_dim = latent_dim
        self.hidden_dim = hidden_dim
        self.generated_classification_weight = generated_classification_weight
        self.soft_label_weight = soft_label_weight
        self.feature_map_weight = feature_map_weight
        self.temperature = temperature
        self.reconstruction_weight = reconstruction_weight
        self.relation_weight = relation_weight
        self.independence_weight = independence_weight
        self.dropout = dropout
        self.refine_unseen = refine_unseen
        self.fusion = fusion

    def _method_modules(self, n_features, n_attributes):
        hidden, latent = self.hidden_dim, self.latent_dim
        modules = {
            "embedding": SelfDistillationEmbedding(n_features, n_attributes, hidden,
                                                   self.embedding_dim),
            # SDGZSL's autoencoder reads the visual feature (real and generated)
            "autoencoder": DisentangledAutoencoder(n_features, hidden, latent, latent,
                                                   dropout=self.dropout),
            "relation": RelationNet(latent, n_attributes, hidden),
            "tc_discriminator": TCDiscriminator(2 * latent),
        }
        groups = {"embedding": ("embedding",), "disentangler": ("autoencoder", "relation"),
                  "discriminator": ("tc_discriminator",)}
        return modules, groups

    def _method_param_groups(self):
        return [(f"{name}.*", dict(_SDGZSL_ADAM))
                for name in ("autoencoder", "relation", "tc_discriminator")]

    def _loss_weights(self):
        parts = set(self._fusion())
        return {"generated_classification": self.generated_classification_weight,
                "soft_label": self.soft_label_weight, "feature_map": self.feature_map_weight,
                "temperature": self.temperature, "reconstruction": self.reconstruction_weight,
                "relation": self.relation_weight, "independence": self.independence_weight,
                "refine_unseen": self.refine_unseen,
                # a module none of whose terms is on, and whose output the classifier
                # does not read, is not trained
                "self_distillation": bool(
                    "refined" in parts or self.generated_classification_weight
                    or self.soft_label_weight or self.feature_map_weight),
                "disentangle": bool("semantic" in parts or self.reconstruction_weight
                                    or self.relation_weight or self.independence_weight)}

    def _fusion(self):
        return tuple(self.fusion.split("+"))
