"""Generative ZSL with semantic-based knowledge distillation (Bao et al., IEEE SPL 2025)."""

from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import Interval

from ..nn.generative import SemanticRegressor
from ..nn.generative_losses import (
    semantic_knowledge_distillation_loss,
    semantic_preservation_loss,
    semantic_regularization_loss,
)
from ..nn.generative_terms import class_means
from ..utils._docstring import fill_doc
from ._backbones import GenerativeNet
from ._base import BaseGenerativeClassifier
from ._docstrings import FRAGMENTS

# generated samples per drawn unseen class: enough for a stable class mean
_SAMPLES_PER_REGULARIZED_CLASS = 8


class SemanticKDNet(GenerativeNet):
    """Stage 1 of the semantic-KD generator: the backbone's step plus three semantic terms.

    Per iteration, after the critic steps (:class:`GenerativeNet`):
    :meth:`auxiliary_step` trains the semantic regressor ``R`` on real
    features (``R(x) -> a_y``); :meth:`generator_terms` adds to the
    generator's loss

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
        drawn = self._draw_unseen(w["n_regularized_classes"], _SAMPLES_PER_REGULARIZED_CLASS)
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


@fill_doc(**FRAGMENTS)
class SemanticKDClassifier(BaseGenerativeClassifier):
    """Deep generative GZSL with semantic-based knowledge distillation (Bao et al. 2025).

    On a feature-generating backbone (``backbone``: f-CLSWGAN, f-VAEGAN or
    TF-VAEGAN), a semantic regressor ``R`` learns to map real seen features to their class
    semantics, and the generator is trained with three semantic terms:

    - **semantic regularization constraint** (``regularization_weight``), on
      the *distribution* of generated unseen features: the cosine similarity
      between the mean generated feature of an unseen class and the mean real
      feature of a seen class must equal the cosine similarity of their
      semantic vectors;
    - **semantic preservation constraint** (``preservation_weight``), on
      their *discriminability*: generated features of seen and unseen classes
      must map back to their own semantics through ``R``;
    - **semantic-based knowledge distillation** (``distillation_weight``),
      strengthening the generator's feature encoding: each real feature
      (teacher) passes its soft labels in semantic space, a softmax over the
      cosine similarities of ``R(x)`` to every class vector at temperature
      ``temperature``, to the generated feature of the same class (student).
      The KL divergence is multiplied by ``tau * max(1, tau)``, not by
      Hinton's ``tau^2``, so that its gradient keeps the scale of the other
      terms below ``tau = 1`` too
      (:func:`~skzsl.nn.generative_losses.semantic_knowledge_distillation_loss`).

    Unseen-class features are then synthesized and a softmax classifier is
    trained on real seen plus synthetic unseen features. Each weight can be
    set to 0 for ablation.

    Parameters
    ----------
%(backbone_parameters)s
    hidden_dim : int, default=1024
        Hidden width of the semantic regressor (the backbone's is
        ``backbone__hidden_dim``).
    regularization_weight : float, default=1.0
        Weight of the semantic regularization constraint.
    preservation_weight : float, default=0.1
        Weight of the semantic preservation constraint.
    distillation_weight : float, default=1.0
        Weight of the semantic-based knowledge distillation.
    temperature : float, default=0.1
        Temperature of the semantic soft labels (cosine similarities lie in
        [-1, 1], so a temperature below 1 sharpens them). The distillation
        term is scaled by ``temperature * max(1, temperature)``: its gradient
        with respect to the student's cosines is the difference of the soft
        labels for any temperature up to 1 (``temperature^2`` made it ten
        times smaller at 0.1), and Hinton's limit above.
    n_regularized_classes : int, default=16
        Unseen classes drawn per batch for the regularization and
        preservation constraints.
%(common_parameters_and_attributes)s

    See Also
    --------
    CLSWGANClassifier : The backbone alone.
    SDDNClassifier : Self-distillation and disentanglement on the same backbone.

    Notes
    -----
    Only the abstract of the letter could be read. Each term is the simplest
    form that matches its description there; the forms and the defaults are
    this library's choices, listed in ``docs/generative_notes.md``.

    References
    ----------
    .. [1] X. Bao, X. Xu, R. Zhang and L. Zhu, "A novel deep generative model
       via semantic-based knowledge distillation for zero-shot learning",
       IEEE Signal Processing Letters 32:2704-2708, 2025.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.generative import CLSWGAN, SemanticKDClassifier
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = SemanticKDClassifier(data.class_attributes, backbone=CLSWGAN(hidden_dim=64),
    ...                            hidden_dim=64, max_epochs=5,
    ...                            n_synthetic_per_class=50, verbose=0, random_state=0)
    >>> clf.fit(data.X_train, data.y_train).predict(data.X_test_unseen[:3]).shape
    (3,)
    """

    _net_class = SemanticKDNet
    _parameter_constraints: dict = {
        **BaseGenerativeClassifier._parameter_constraints,
        **{name: [Interval(Integral, 1, None, closed="left")] for name in (
            "hidden_dim", "n_regularized_classes")},
        **{name: [Interval(Real, 0, None, closed="left")] for name in (
            "regularization_weight", "preservation_weight", "distillation_weight")},
        "temperature": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, class_attributes=None, *, backbone="clswgan", max_epochs=30,
                 hidden_dim=1024, regularization_weight=1.0, preservation_weight=0.1,
                 distillation_weight=1.0, temperature=0.1, n_regularized_classes=16,
                 n_synthetic_per_class=300, n_synthetic_seen_per_class=0,
                 classifier_max_epochs=25, classifier_batch_size=300, classifier_lr=1e-3,
                 early_stopping=False, validation_every=1, patience=5, seen_bias=0.0,
                 candidates="all", callbacks=None, random_state=None, device="auto",
                 verbose=1):
        super().__init__(**self._parent_arguments(BaseGenerativeClassifier, locals()))
        self.hidden_dim = hidden_dim
        self.regularization_weight = regularization_weight
        self.preservation_weight = preservation_weight
        self.distillation_weight = distillation_weight
        self.temperature = temperature
        self.n_regularized_classes = n_regularized_classes

    def _method_modules(self, n_features, n_attributes):
        regressor = SemanticRegressor(n_features, self.hidden_dim, n_attributes)
        return {"regressor": regressor}, {"regressor": ("regressor",)}

    def _loss_weights(self):
        return {"regularization": self.regularization_weight,
                "preservation": self.preservation_weight,
                "distillation": self.distillation_weight, "temperature": self.temperature,
                "n_regularized_classes": self.n_regularized_classes}
