"""SDDN: self-distillation and disentanglement network (Liu et al., Electronics 2024)."""

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, StrOptions

from ..nn.generative import (
    DisentangledAutoencoder,
    RelationNet,
    SelfDistillationEmbedding,
    TCDiscriminator,
)
from ..utils._docstring import fill_doc
from ._backbone import build_bundle, build_generator_net
from ._base import BaseGenerativeClassifier
from ._docstrings import FRAGMENTS
from ._nets import SDDNNet


@fill_doc(**FRAGMENTS)
class SDDNClassifier(BaseGenerativeClassifier):
    """Self-distillation and disentanglement network for GZSL (Liu et al. 2024).

    On top of a feature-generating backbone (``backbone``: f-CLSWGAN, as the
    paper, f-VAEGAN or TF-VAEGAN), SDDN makes visual features consistent with
    the class semantics in two modules, trained jointly with the generator:

    - **Self-distillation embedding.** A student network maps a visual feature
      to a refined feature and class logits; an auxiliary self-teacher built
      on the student's features produces soft labels and features that
      supervise the student (soft-label distillation, weight
      ``soft_label_weight``; feature-map distillation, ``feature_map_weight``).
      It refines real seen features and generated features alike, and the
      generator learns to produce features the student classifies correctly
      (``classification_weight``): the self-distillation conditional
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
    module_hidden_dim : int, default=1024
        Hidden width of the student, self-teacher, autoencoder decoder,
        relation network and TC discriminator.
    classification_weight : float, default=0.1
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
%(common_parameters)s

    Attributes
    ----------
%(common_attributes)s

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
    >>> from skzsl.generative import SDDNClassifier
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = SDDNClassifier(data.class_attributes, hidden_dim=64, module_hidden_dim=64,
    ...                      embedding_dim=32, semantic_dim=16, residual_dim=16, max_epochs=5,
    ...                      n_synthetic_per_class=50, verbose=0, random_state=0)
    >>> clf.fit(data.X_train, data.y_train).predict(data.X_test_unseen[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseGenerativeClassifier._parameter_constraints,
        **{name: [Interval(Integral, 1, None, closed="left")] for name in (
            "embedding_dim", "semantic_dim", "residual_dim", "module_hidden_dim")},
        **{name: [Interval(Real, 0, None, closed="left")] for name in (
            "classification_weight", "soft_label_weight", "feature_map_weight",
            "reconstruction_weight", "relation_weight", "independence_weight")},
        "temperature": [Interval(Real, 0, None, closed="neither")],
        "refine_unseen": ["boolean"],
        "fusion": [StrOptions({"visual+refined+semantic", "refined+semantic",
                               "visual+semantic", "visual"})],
    }

    def __init__(self, class_attributes=None, *, backbone="clswgan", noise_dim=None,
                 hidden_dim=4096, n_critic=5, gp_weight=10.0, gp_weight_rule="auto",
                 critic_weight="auto", adversarial_weight="auto", encoded_noise="auto",
                 decoder_weight=0.01, feedback_weight=1.0, synthesis_feedback_weight=1.0,
                 decoder_lr=1e-4, feedback_lr=1e-5, freeze_decoder=False, max_epochs=30,
                 batch_size=64, lr=1e-4, embedding_dim=512, semantic_dim=256,
                 residual_dim=256, module_hidden_dim=1024, classification_weight=0.1,
                 soft_label_weight=1.0, feature_map_weight=1.0, temperature=4.0,
                 reconstruction_weight=1.0, relation_weight=1.0, independence_weight=0.1,
                 refine_unseen=False, fusion="visual+refined+semantic",
                 n_synthetic_per_class=300,
                 n_synthetic_seen_per_class=0, classifier_max_epochs=25,
                 classifier_batch_size=300, classifier_lr=1e-3, early_stopping=False,
                 validation_every=1, patience=5, feature_scaling="minmax",
                 semantic_scaling="l2", seen_bias=0.0, candidates="all", random_state=None,
                 device="auto", verbose=1):
        super().__init__(**self._parent_arguments(BaseGenerativeClassifier, locals()))
        self.embedding_dim = embedding_dim
        self.semantic_dim = semantic_dim
        self.residual_dim = residual_dim
        self.module_hidden_dim = module_hidden_dim
        self.classification_weight = classification_weight
        self.soft_label_weight = soft_label_weight
        self.feature_map_weight = feature_map_weight
        self.temperature = temperature
        self.reconstruction_weight = reconstruction_weight
        self.relation_weight = relation_weight
        self.independence_weight = independence_weight
        self.refine_unseen = refine_unseen
        self.fusion = fusion

    def _loss_weights(self):
        return {"classification": self.classification_weight,
                "soft_label": self.soft_label_weight, "feature_map": self.feature_map_weight,
                "temperature": self.temperature, "reconstruction": self.reconstruction_weight,
                "relation": self.relation_weight, "independence": self.independence_weight,
                "refine_unseen": self.refine_unseen}

    def _build_generator_net(self, X_scaled, y_idx):
        n_features, n_att = X_scaled.shape[1], self.class_attributes_.n_attributes
        hidden = self.module_hidden_dim
        bundle = build_bundle(
            self, n_features, fusion=tuple(self.fusion.split("+")),
            embedding=SelfDistillationEmbedding(n_features, n_att, hidden, self.embedding_dim),
            autoencoder=DisentangledAutoencoder(self.embedding_dim, hidden, self.semantic_dim,
                                                self.residual_dim),
            relation=RelationNet(self.semantic_dim, n_att, hidden),
            tc_discriminator=TCDiscriminator(self.semantic_dim + self.residual_dim, hidden),
        )
        groups = {"embedding": ("embedding", "autoencoder", "relation"),
                  "discriminator": ("tc_discriminator",)}
        return build_generator_net(self, SDDNNet, bundle, groups=groups,
                                   weights=self._loss_weights())
