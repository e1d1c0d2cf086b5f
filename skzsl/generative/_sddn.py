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
    semantic_relation_matching_loss,
    soft_label_distillation_loss,
)
from ..nn.generative_terms import (
    disentanglement_terms,
    self_distillation_terms,
    tc_discriminator_loss,
)
from ..utils._docstring import fill_doc
from ._backbones import GenerativeNet
from ._base import BaseGenerativeClassifier
from ._docstrings import FRAGMENTS


class SDDNNet(GenerativeNet):
    """Stage 1 of SDDN: the backbone's step plus the self-distillation and disentanglement modules.

    Per iteration, after the critic steps (:class:`GenerativeNet`):
    :meth:`auxiliary_step` trains the embedding module and the disentangled
    autoencoder on real seen features, on generated features of the same
    classes and (``refine_unseen``) on generated features of random unseen
    classes, then the TC discriminator; :meth:`generator_terms` makes the
    generated features classified by the student, agree with the self-teacher
    and match their class in the relation network (the self-distillation
    conditional generation module).
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
        self.update("embedding", terms)
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
        if w["generated_classification"]:
            terms["loss_generated_classification"] = (
                w["generated_classification"]
                * classification_loss(out["student_logits"], target))
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


@fill_doc(**FRAGMENTS)
class SDDNClassifier(BaseGenerativeClassifier):
    """Self-distillation and disentanglement network for GZSL (Liu et al. 2024).

    On top of a feature-generating backbone (``backbone``: f-CLSWGAN,
    f-VAEGAN or TF-VAEGAN; the text we hold of the paper does not say which
    one it used), SDDN makes visual features consistent with
    the class semantics in two modules, trained jointly with the generator:

    - **Self-distillation embedding.** A student network maps a visual feature
      to a refined feature and class logits; an auxiliary self-teacher built
      on the student's features produces soft labels and features that
      supervise the student (soft-label distillation, weight
      ``soft_label_weight``; feature-map distillation, ``feature_map_weight``).
      It refines real seen features and generated features alike, and the
      generator learns to produce features the student classifies correctly
      (``generated_classification_weight``): the self-distillation conditional
      generation module.
    - **Disentanglement network.** An autoencoder splits the refined feature
      into a semantic-consistent latent and a residual one
      (``reconstruction_weight``). A relation network matches the
      semantic-consistent latent with its class semantics (semantic relation
      matching, ``relation_weight``), and a total-correlation discriminator
      makes the two latents independent (``independence_weight``).

    The visual feature, the refined feature and the semantic-consistent latent
    are then fused (concatenated; see ``fusion``) to train the GZSL softmax
    classifier on real seen and synthetic unseen samples. Every weight can be
    set to 0 for ablation.

    Parameters
    ----------
%(backbone_parameters)s
    embedding_dim : int, default=512
        Size of the refined feature (student and self-teacher output).
    semantic_dim : int, default=256
        Size of the semantic-consistent latent.
    residual_dim : int, default=256
        Size of the residual (semantic-unrelated) latent.
    hidden_dim : int, default=1024
        Hidden width of the student, self-teacher, autoencoder decoder,
        relation network and TC discriminator (the backbone's is
        ``backbone__hidden_dim``).
    generated_classification_weight : float, default=0.1
        Weight of the student's classification loss on generated features,
        in the generator's objective.
    soft_label_weight : float, default=1.0
        Weight of soft-label distillation (self-teacher -> student), on real
        and generated features.
    feature_map_weight : float, default=1.0
        Weight of feature distillation (self-teacher features -> student features).
    temperature : float, default=4.0
        Softmax temperature of soft-label distillation.
    reconstruction_weight : float, default=1.0
        Weight of the disentangled autoencoder's reconstruction loss.
    relation_weight : float, default=1.0
        Weight of semantic relation matching (also applied to generated features).
    independence_weight : float, default=0.1
        Weight of the total-correlation (independence) loss between the latents.
    refine_unseen : bool, default=False
        Also train the self-distillation embedding and the disentanglement
        network, each batch, on generated features of randomly drawn unseen
        classes (the student then scores every class of the table). ``False``
        trains both modules on real and generated seen-class features; the
        generated unseen features are refined by the trained student when the
        classifier's training set is built. Both read the paper's "refine ...
        synthesized visual features of unseen classes"; ``True`` costs about
        twice the time per batch.
    fusion : {"visual+refined+semantic", "refined+semantic", "visual+semantic", \
"visual"}, default="visual+refined+semantic"
        What the GZSL classifier reads, concatenated: the (scaled) visual
        feature, the refined feature, the semantic-consistent latent. The
        paper fuses "the consistent visual-semantic features" without saying
        whether the original visual feature is kept; FREE, the refinement
        SDDN builds on, keeps it. With ``"visual"`` the two modules act on the
        classifier only through the generator they trained (the
        self-distillation conditional generation module); search it on
        validation data like the weights.
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
    ...                      hidden_dim=64, embedding_dim=32, semantic_dim=16,
    ...                      residual_dim=16, max_epochs=5, n_synthetic_per_class=50,
    ...                      verbose=0, random_state=0)
    >>> clf.fit(data.X_train, data.y_train).predict(data.X_test_unseen[:3]).shape
    (3,)
    """

    _net_class = SDDNNet
    _parameter_constraints: dict = {
        **BaseGenerativeClassifier._parameter_constraints,
        **{name: [Interval(Integral, 1, None, closed="left")] for name in (
            "embedding_dim", "semantic_dim", "residual_dim", "hidden_dim")},
        **{name: [Interval(Real, 0, None, closed="left")] for name in (
            "generated_classification_weight", "soft_label_weight", "feature_map_weight",
            "reconstruction_weight", "relation_weight", "independence_weight")},
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "refine_unseen": ["boolean"],
        "fusion": [StrOptions({"visual+refined+semantic", "refined+semantic",
                               "visual+semantic", "visual"})],
    }

    def __init__(self, class_attributes=None, *, backbone="clswgan", max_epochs=30,
                 embedding_dim=512, semantic_dim=256, residual_dim=256, hidden_dim=1024,
                 generated_classification_weight=0.1, soft_label_weight=1.0,
                 feature_map_weight=1.0, temperature=4.0, reconstruction_weight=1.0,
                 relation_weight=1.0, independence_weight=0.1, refine_unseen=False,
                 fusion="visual+refined+semantic", n_synthetic_per_class=300,
                 n_synthetic_seen_per_class=0, classifier_max_epochs=25,
                 classifier_batch_size=300, classifier_lr=1e-3, early_stopping=False,
                 validation_every=1, patience=5, seen_bias=0.0, candidates="all",
                 callbacks=None, random_state=None, device="auto", verbose=1):
        super().__init__(**self._parent_arguments(BaseGenerativeClassifier, locals()))
        self.embedding_dim = embedding_dim
        self.semantic_dim = semantic_dim
        self.residual_dim = residual_dim
        self.hidden_dim = hidden_dim
        self.generated_classification_weight = generated_classification_weight
        self.soft_label_weight = soft_label_weight
        self.feature_map_weight = feature_map_weight
        self.temperature = temperature
        self.reconstruction_weight = reconstruction_weight
        self.relation_weight = relation_weight
        self.independence_weight = independence_weight
        self.refine_unseen = refine_unseen
        self.fusion = fusion

    def _method_modules(self, n_features, n_attributes):
        hidden = self.hidden_dim
        modules = {
            "embedding": SelfDistillationEmbedding(n_features, n_attributes, hidden,
                                                   self.embedding_dim),
            "autoencoder": DisentangledAutoencoder(self.embedding_dim, hidden,
                                                   self.semantic_dim, self.residual_dim),
            "relation": RelationNet(self.semantic_dim, n_attributes, hidden),
            "tc_discriminator": TCDiscriminator(self.semantic_dim + self.residual_dim, hidden),
        }
        groups = {"embedding": ("embedding", "autoencoder", "relation"),
                  "discriminator": ("tc_discriminator",)}
        return modules, groups

    def _loss_weights(self):
        return {"generated_classification": self.generated_classification_weight,
                "soft_label": self.soft_label_weight, "feature_map": self.feature_map_weight,
                "temperature": self.temperature, "reconstruction": self.reconstruction_weight,
                "relation": self.relation_weight, "independence": self.independence_weight,
                "refine_unseen": self.refine_unseen}

    def _fusion(self):
        return tuple(self.fusion.split("+"))
