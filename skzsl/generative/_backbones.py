"""The feature-generating backbones: their parameter objects and the training step they share.

A backbone is passed to a generative estimator as an object holding its own
hyperparameters, as scikit-learn's meta-estimators hold ``estimator``:

- :class:`CLSWGAN`: f-CLSWGAN (Xian et al. 2018), a conditional WGAN-GP
  generator with prior noise, a fixed gradient-penalty weight and the
  classification loss ``L_CLS`` through a pretrained, frozen classifier;
- :class:`FVAEGAN`: f-VAEGAN (Xian et al. 2019), a conditional VAE whose decoder
  is the WGAN-GP generator; the critic and the adversarial term read the
  encoder's latent, the GP weight adapts;
- :class:`TFVAEGAN`: TF-VAEGAN (Narayan et al. 2020), f-VAEGAN plus a semantic
  decoder, a feedback module (a second pass per epoch) and decoder features in
  the final classifier's input.

Every default is the reference code's value (``docs/generative_reference.md``).
:class:`GenerativeNet` is the one training step of all three (critic steps,
then the generator step), with two hooks for a method's own networks and terms.
"""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, clone
from sklearn.utils._param_validation import Interval, StrOptions

from .._training import MultiOptimizerNet, gather
from ..base import _ParametersMixin
from ..nn.generative import (
    ConditionalCritic,
    ConditionalEncoder,
    ConditionalGenerator,
    FeedbackModule,
    SemanticDecoder,
    init_normal_,
)
from ..nn.generative_losses import (
    adapt_gp_weight,
    classification_loss,
    gradient_penalty,
    vae_loss,
    weighted_l1_loss,
    wgan_generator_loss,
    wgan_gp_critic_loss,
)
from ..utils._docstring import fill_doc
from ._docstrings import FRAGMENTS

__all__ = ["ADAM_GAN", "CLSWGAN", "FVAEGAN", "TFVAEGAN", "GenerativeNet", "check_backbone"]

# Adam betas of the VAE encoder (the official code passes none: PyTorch's default)
_ENCODER_BETAS = (0.9, 0.999)


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


_POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]
_NON_NEGATIVE = [Interval(Real, 0, None, closed="left")]
_POSITIVE = [Interval(Real, 0, None, closed="neither")]


class _Backbone(_ParametersMixin, BaseEstimator):
    """What the three backbones share: parameters, networks, optimizer groups."""

    _parameter_constraints: dict = {
        "noise_dim": [Interval(Integral, 1, None, closed="left"), None],
        "hidden_dim": _POSITIVE_INT,
        "n_critic": _POSITIVE_INT,
        "gp_weight": _NON_NEGATIVE,
        "gp_weight_rule": [StrOptions({"fixed", "adaptive"})],
        "lr": _POSITIVE,
        "batch_size": _POSITIVE_INT,
        "feature_scaling": [StrOptions({"minmax"}), None],
        "semantic_scaling": [StrOptions({"l2", "standard"}), None],
    }
    # what a backbone without the parameter does (f-CLSWGAN has no VAE, no decoder...)
    _FIXED = {"critic_weight": 1.0, "adversarial_weight": 1.0, "encoded_noise": False,
              "classification_weight": 0.0, "decoder_weight": 0.0, "feedback_weight": 0.0,
              "synthesis_feedback_weight": 0.0, "freeze_decoder": False}
    _vae = False
    _feedback = False


    def settings(self):
        """Every setting of the training step, the absent ones at their neutral value.

        Returns
        -------
        settings : dict
            The parameters (``get_params``) plus ``critic_weight``,
            ``adversarial_weight``, ``encoded_noise``, ``classification_weight``,
            ``decoder_weight``, ``feedback_weight``, ``synthesis_feedback_weight``
            and ``freeze_decoder`` where the backbone has none, ``n_passes``
            (2 with the feedback loop) and ``reconstruction``.
        """
        params = self.get_params(deep=False)
        return {**self._FIXED, **params, "n_passes": 2 if self._feedback else 1,
                "reconstruction": "bce" if params["feature_scaling"] == "minmax" else "mse"}

    def class_semantics(self, matrix):
        """The class vectors the networks read: ``matrix`` after ``semantic_scaling``.

        Parameters
        ----------
        matrix : ndarray of shape (n_classes, n_attributes)
            The class table's vectors.

        Returns
        -------
        semantics : Tensor of shape (n_classes, n_attributes)
            In float32.
        """
        if self.semantic_scaling == "l2":
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = matrix / np.where(norms > 0, norms, 1.0)
        elif self.semantic_scaling == "standard":
            std = matrix.std(axis=0)
            matrix = (matrix - matrix.mean(axis=0)) / np.where(std > 0, std, 1.0)
        return torch.as_tensor(matrix, dtype=torch.float32)

    def build_modules(self, n_features, n_attributes):
        """The backbone's networks, initialised N(0, 0.02) with zero biases (reference codes).

        Parameters
        ----------
        n_features : int
            Size of a visual feature.
        n_attributes : int
            Size of a class vector.

        Returns
        -------
        modules : dict of str to torch.nn.Module
            ``generator`` and ``critic``; ``encoder`` (VAE backbones);
            ``decoder`` and ``feedback`` (TF-VAEGAN).
        """
        noise, hidden = self.noise_dim or n_attributes, self.hidden_dim
        output = "sigmoid" if self.feature_scaling == "minmax" else "linear"
        modules = {
            "generator": ConditionalGenerator(n_attributes, noise, hidden, n_features,
                                              output=output),
            "critic": ConditionalCritic(n_features, n_attributes, hidden),
        }
        if self._vae:
            modules["encoder"] = ConditionalEncoder(n_features, n_attributes, hidden, noise)
        if self._feedback:
            modules["decoder"] = SemanticDecoder(n_features, hidden, n_attributes)
            modules["feedback"] = FeedbackModule(hidden)
        for module in modules.values():
            init_normal_(module)
        return modules

    def fusion(self, parts):
        """The classifier's input parts: TF-VAEGAN adds its decoder's features after ``visual``.

        Parameters
        ----------
        parts : tuple of str
            The method's parts (``"visual"``, ``"refined"``, ``"semantic"``).

        Returns
        -------
        parts : tuple of str
            With ``"decoded"`` where the backbone has a semantic decoder.
        """
        parts = list(parts)
        if self._feedback:
            parts.insert(1 if parts[0] == "visual" else 0, "decoded")
        return tuple(parts)

    def optimizer_groups(self):
        """The backbone's optimizer groups.

        Returns
        -------
        groups : dict of str to tuple of str
            ``critic``; ``generator`` (with the encoder and the feedback
            module); ``decoder`` (TF-VAEGAN): names of the networks of
            :meth:`build_modules` each optimizer steps.
        """
        generator = ("generator",) + (("encoder",) if self._vae else ())
        groups = {"critic": ("critic",),
                  "generator": generator + (("feedback",) if self._feedback else ())}
        if self._feedback:
            groups["decoder"] = ("decoder",)
        return groups

    def param_groups(self):
        """skorch's ``optimizer__param_groups``: encoder betas, TF-VAEGAN learning rates.

        Returns
        -------
        param_groups : list of (str, dict)
            Parameter-name patterns and their optimizer settings.
        """
        settings = self.settings()
        return [("encoder.*", {"betas": _ENCODER_BETAS}),
                ("feedback.*", {"lr": settings.get("feedback_lr", self.lr)}),
                ("decoder.*", {"lr": settings.get("decoder_lr", self.lr)})]


class CLSWGAN(_Backbone):
    """f-CLSWGAN backbone (Xian et al. 2018): conditional WGAN-GP with ``L_CLS``.

    A conditional generator ``G(z, a)`` learns to produce visual features of a
    class from its semantic vector ``a``, against a conditional WGAN-GP critic,
    with a classification loss: a softmax classifier pretrained on real seen
    features (then frozen) must recognise the generated features,
    ``min_G max_D L_WGAN + beta L_CLS``. Pass it as the ``backbone`` of a
    generative estimator; its parameters are then ``backbone__<name>``.

    Parameters
    ----------
    noise_dim : int, default=None
        Size of the prior noise; ``None`` uses the number of attributes.
    hidden_dim : int, default=4096
        Hidden width of the generator and the critic.
    n_critic : int, default=5
        Critic steps per generator step, each on its own random batch.
    gp_weight : float, default=10.0
        Weight ``lambda`` of the WGAN-GP gradient penalty.
    gp_weight_rule : {"fixed", "adaptive"}, default="fixed"
        ``"adaptive"`` applies TF-VAEGAN's rule (see :class:`FVAEGAN`).
    classification_weight : float, default=0.01
        ``beta``, the weight of ``L_CLS``; the classifier is pretrained for
        the estimator's ``classifier_max_epochs`` on the real seen features.
        At 0 no classifier is pretrained.
    lr : float, default=1e-4
        Adam learning rate (``betas=(0.5, 0.999)``) of the generator and the
        critic, and of the method's own networks.
    batch_size : int, default=64
        Batch size of generator training.
    feature_scaling : {"minmax"} or None, default="minmax"
        ``"minmax"`` scales features to [0, 1] (a ``MinMaxScaler`` fitted on
        the training features, as every reference code) and ends the
        generator in a sigmoid; ``None`` leaves features as given, with a
        linear generator output.
    semantic_scaling : {"l2", "standard"} or None, default="l2"
        ``"l2"`` scales each class vector to unit L2 norm (reference codes);
        ``"standard"`` standardises each semantic dimension over the classes
        of the table; ``None`` uses the table as given.

    See Also
    --------
    FVAEGAN, TFVAEGAN : The VAE-GAN backbones.
    generative_preset : The reference scripts' settings per dataset.

    Examples
    --------
    >>> from skzsl.generative import CLSWGAN, SDDNClassifier
    >>> clf = SDDNClassifier(backbone=CLSWGAN(classification_weight=0.1))
    >>> clf.get_params()["backbone__classification_weight"]
    0.1
    """

    _parameter_constraints: dict = {**_Backbone._parameter_constraints,
                                    "classification_weight": _NON_NEGATIVE}

    def __init__(self, *, noise_dim=None, hidden_dim=4096, n_critic=5, gp_weight=10.0,
                 gp_weight_rule="fixed", classification_weight=0.01, lr=1e-4, batch_size=64,
                 feature_scaling="minmax", semantic_scaling="l2"):
        self._store_parameters(locals())


class FVAEGAN(_Backbone):
    """f-VAEGAN backbone (Xian et al. 2019): a conditional VAE whose decoder is the WGAN generator.

    The encoder ``E(x, a)`` gives the latent of a real feature; the generator
    reconstructs it (VAE loss) and, from the encoder's latent
    (``encoded_noise``), produces the critic's fakes and the adversarial
    term. The gradient-penalty weight adapts. Pass it as the ``backbone`` of a
    generative estimator; its parameters are then ``backbone__<name>``.

    Parameters
    ----------
    noise_dim : int, default=None
        Size of the latent; ``None`` uses the number of attributes.
    hidden_dim : int, default=4096
        Hidden width of the generator, critic and encoder.
    n_critic : int, default=5
        Critic steps per generator step, each on its own random batch.
    gp_weight : float, default=10.0
        Initial weight ``lambda`` of the WGAN-GP gradient penalty.
    gp_weight_rule : {"fixed", "adaptive"}, default="adaptive"
        ``"adaptive"`` multiplies the weight by 1.1 when the mean penalty of
        a generator iteration exceeds 1.05 and divides it by 1.1 below 1.001
        (the official code's rule).
    critic_weight, adversarial_weight : float, default=10.0
        Weights of the critic's loss and of the generator's adversarial term
        (the official ``gammaD`` and ``gammaG``).
    encoded_noise : bool, default=True
        Generate the critic's fakes and the adversarial term from the
        encoder's latent instead of prior noise.
    lr : float, default=1e-4
        Adam learning rate (``betas=(0.5, 0.999)``; the encoder PyTorch's
        default betas, as the official code) of the generator, critic and
        encoder, and of the method's own networks.
    batch_size : int, default=64
        Batch size of generator training.
    feature_scaling : {"minmax"} or None, default="minmax"
        As in :class:`CLSWGAN`; with ``None`` the VAE reconstruction loss is
        the squared error instead of the binary cross-entropy.
    semantic_scaling : {"l2", "standard"} or None, default="l2"
        As in :class:`CLSWGAN`.

    See Also
    --------
    TFVAEGAN : f-VAEGAN with a semantic decoder and a feedback loop.
    CLSWGAN : The WGAN-GP backbone without a VAE, with ``L_CLS``.

    Examples
    --------
    >>> from skzsl.generative import FVAEGAN, CLSWGANClassifier
    >>> CLSWGANClassifier(backbone=FVAEGAN(n_critic=1)).get_params()["backbone__n_critic"]
    1
    """

    _parameter_constraints: dict = {
        **_Backbone._parameter_constraints,
        "critic_weight": _NON_NEGATIVE, "adversarial_weight": _NON_NEGATIVE,
        "encoded_noise": ["boolean"],
    }
    _vae = True

    def __init__(self, *, noise_dim=None, hidden_dim=4096, n_critic=5, gp_weight=10.0,
                 gp_weight_rule="adaptive", critic_weight=10.0, adversarial_weight=10.0,
                 encoded_noise=True, lr=1e-4, batch_size=64, feature_scaling="minmax",
                 semantic_scaling="l2"):
        self._store_parameters(locals())


class TFVAEGAN(FVAEGAN):
    """TF-VAEGAN backbone (Narayan et al. 2020): f-VAEGAN with a semantic decoder and feedback.

    A semantic decoder ``Dec(x) -> a`` is trained on real features and, in the
    generator step, on generated ones; each epoch has a second pass in which
    the decoder's hidden layer feeds back into the generator through the
    feedback module; the decoder's features join the final classifier's
    input. Defaults are the official CUB script's. Pass it as the
    ``backbone`` of a generative estimator; its parameters are then
    ``backbone__<name>``.

    Parameters
    ----------
    noise_dim, hidden_dim, n_critic, gp_weight, gp_weight_rule
        As in :class:`FVAEGAN` (``hidden_dim`` also sizes the decoder and
        the feedback module).
    critic_weight, adversarial_weight, encoded_noise
        As in :class:`FVAEGAN`.
    decoder_weight : float, default=0.01
        Weight of the semantic decoder's loss.
    feedback_weight : float, default=1.0
        Weight of the feedback in training (the official ``a1``).
    synthesis_feedback_weight : float, default=1.0
        Weight of the feedback when features are synthesized (``a2``).
    decoder_lr : float, default=1e-4
        Adam learning rate of the decoder.
    feedback_lr : float, default=1e-5
        Adam learning rate of the feedback module.
    freeze_decoder : bool, default=False
        Keep the decoder out of the generator step (the official AWA2 setting).
    lr, batch_size, feature_scaling, semantic_scaling
        As in :class:`FVAEGAN`.

    See Also
    --------
    FVAEGAN : The same VAE-GAN, without the decoder and the feedback.
    generative_preset : The official scripts' settings, per dataset.

    Examples
    --------
    >>> from skzsl.generative import TFVAEGAN, SDDNClassifier
    >>> clf = SDDNClassifier(backbone=TFVAEGAN(feedback_weight=0.5))
    >>> clf.set_params(backbone__feedback_weight=0.1).backbone
    TFVAEGAN(feedback_weight=0.1)
    """

    _parameter_constraints: dict = {
        **FVAEGAN._parameter_constraints,
        "decoder_weight": _NON_NEGATIVE, "feedback_weight": _NON_NEGATIVE,
        "synthesis_feedback_weight": _NON_NEGATIVE, "decoder_lr": _POSITIVE,
        "feedback_lr": _POSITIVE, "freeze_decoder": ["boolean"],
    }
    _feedback = True

    def __init__(self, *, noise_dim=None, hidden_dim=4096, n_critic=5, gp_weight=10.0,
                 gp_weight_rule="adaptive", critic_weight=10.0, adversarial_weight=10.0,
                 encoded_noise=True, decoder_weight=0.01, feedback_weight=1.0,
                 synthesis_feedback_weight=1.0, decoder_lr=1e-4, feedback_lr=1e-5,
                 freeze_decoder=False, lr=1e-4, batch_size=64, feature_scaling="minmax",
                 semantic_scaling="l2"):
        self._store_parameters(locals())


BACKBONES = {"clswgan": CLSWGAN, "fvaegan": FVAEGAN, "tfvaegan": TFVAEGAN}


def check_backbone(backbone):
    """A validated, unfitted copy of a ``backbone`` parameter (object or name).

    Parameters
    ----------
    backbone : {"clswgan", "fvaegan", "tfvaegan"} or CLSWGAN, FVAEGAN, TFVAEGAN
        A name is a shortcut for the backbone with its reference defaults.

    Returns
    -------
    backbone : CLSWGAN, FVAEGAN or TFVAEGAN
    """
    backbone = BACKBONES[backbone]() if isinstance(backbone, str) else clone(backbone)
    backbone._validate_params()
    return backbone


@fill_doc(**FRAGMENTS)
class GenerativeNet(MultiOptimizerNet):
    """The training step of every backbone, with two hooks for the method built on it.

    Each training step (one *generator iteration*) reads ``n_critic`` batches
    drawn independently (:class:`skzsl._training.RandomDrawBatchSampler`).
    For each: one step of TF-VAEGAN's semantic decoder on the real features
    (when there is one), then one critic step on real features against
    features generated from prior noise or, with ``encoded_noise``, from the
    encoder's latent. Then :meth:`auxiliary_step` (the method's other networks)
    and one generator step on the last batch: the VAE loss (f-VAEGAN,
    TF-VAEGAN), the adversarial term on the VAE's reconstruction
    (``encoded_noise``) or on a prior-noise sample, the decoder loss on it
    (TF-VAEGAN), f-CLSWGAN's ``L_CLS`` through the frozen pretrained
    classifier, and :meth:`generator_terms`. With ``gp_weight_rule="adaptive"``
    the gradient-penalty weight then adapts (:func:`adapt_gp_weight`). With two
    passes per epoch (TF-VAEGAN) the second runs through the feedback module:
    the iterations of an epoch, as many as the batch sampler yields, are split
    into the passes equally.

    ``train_loss`` is the generator's objective (``objective_generator``);
    the critic's is ``objective_critic``; ``gp_weight`` records the weight.
    The generator's optimizer is skorch's ``optimizer_`` (what ``LRScheduler``
    schedules).

    Parameters
    ----------
    module : ModuleBundle
        With the backbone's networks (:meth:`CLSWGAN.build_modules`), the
        method's, and ``pretrained_classifier`` when ``L_CLS`` is on.
    backbone : CLSWGAN, FVAEGAN or TFVAEGAN, default=None
        Its :meth:`~CLSWGAN.settings` drive the step; ``None`` is ``CLSWGAN()``.
    weights : dict, default=None
        The method's loss weights and settings, read by its hooks.
    **kwargs
        :class:`skzsl._training.MultiOptimizerNet` parameters.
    """

    loss_names = ("loss_critic", "loss_generator", "wasserstein", "gp_weight", "loss_vae",
                  "loss_decoder", "loss_classification")
    objective = "generator"

    def __init__(self, *args, backbone=None, weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.backbone = backbone
        self.weights = weights

    def initialize(self):
        super().initialize()
        self.settings_ = (self.backbone or CLSWGAN()).settings()
        self.gp_weight_ = float(self.settings_["gp_weight"])
        return self

    @property
    def synthesis_feedback_weight(self):
        """Weight of TF-VAEGAN's feedback when features are synthesized (0 without it)."""
        return self.settings_["synthesis_feedback_weight"]

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        if training:
            # the epoch's iterations, as the sampler gives them, are n_passes equal passes
            self._iteration = 0
            self._per_pass = max(-(-len(iterator) // self.settings_["n_passes"]), 1)
        return super().run_single_epoch(iterator, training, prefix, step_fn, **fit_params)

    def classifier_input(self, X):
        """What the final classifier reads for features ``X`` of the scaled space.

        ``X`` itself when the classifier reads the visual features alone
        (``module_.fusion`` is ``("visual",)``; the net is not run), else the
        module's fused features (TF-VAEGAN's decoder output and hidden layer,
        SDDN's refined and semantic-consistent features) through skorch's
        ``forward_iter``. The estimator's
        :meth:`~skzsl.generative.CLSWGANClassifier.classifier_input` is this on
        its scaled ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
            Scaled features (the estimator's ``scaler_``), in the dtype of the
            module's parameters.

        Returns
        -------
        features : ndarray of shape (n_samples, n_classifier_features)
            In the dtype of ``X``.

        Examples
        --------
        With TF-VAEGAN, the decoder's output and hidden layer follow the features:

%(method_generative_example)s
        >>> from skzsl.generative import TFVAEGAN
        >>> clf.set_params(backbone=TFVAEGAN(hidden_dim=32)).fit_generator(X, y)
        CLSWGANClassifier(...)
        >>> X_scaled = clf.scaler_.transform(data.X_test_unseen[:5]).astype("float32")
        >>> clf.generator_net_.classifier_input(X_scaled).shape  # 20 + 8 attributes + 32
        (5, 60)
        """
        if self.module_.fusion == ("visual",):
            return X
        return gather(self.forward_iter(X), dtype=X.dtype, n_rows=len(X))

    def _latent(self, X, attributes):
        """Noise of the fakes: the encoder's reparameterised latent, or prior noise."""
        if self.settings_["encoded_noise"]:
            return self.module_.encoder.latent(X, attributes)[0]
        return self.module_.generator.noise(attributes)

    def compute_step(self, X, y):
        bundle, s = self.module_, self.settings_
        # the second pass of each epoch runs through the feedback module (TF-VAEGAN)
        self.feedback_ = (s["feedback_weight"] if s["n_passes"] > 1
                          and (self._iteration // self._per_pass) % 2 == 1 else 0.0)
        self._iteration += 1
        decoding = "decoder" in bundle._modules and s["decoder_weight"] > 0
        losses, penalties = {}, []
        for X_real, y_real in zip(X.chunk(s["n_critic"]), y.chunk(s["n_critic"]), strict=True):
            attributes = bundle.class_semantics[y_real]
            if decoding:
                self.update("decoder", s["decoder_weight"] * weighted_l1_loss(
                    bundle.decoder(X_real), attributes))
            with torch.no_grad():
                fake = bundle.generate(self._latent(X_real, attributes), attributes,
                                       self.feedback_)
            real_scores = bundle.critic(X_real, attributes)
            fake_scores = bundle.critic(fake, attributes)
            penalty = gradient_penalty(bundle.critic, X_real, fake, attributes)
            loss = s["critic_weight"] * wgan_gp_critic_loss(real_scores, fake_scores, penalty,
                                                            self.gp_weight_)
            self.update("critic", loss)
            penalties.append(penalty.detach())
        losses["loss_critic"] = loss
        losses["wasserstein"] = (real_scores.mean() - fake_scores.mean()).detach()
        losses["gp_weight"] = self.gp_weight_
        if s["gp_weight_rule"] == "adaptive":
            mean_penalty = float(torch.stack(penalties).mean())
            self.gp_weight_ = adapt_gp_weight(self.gp_weight_, mean_penalty)
        losses.update(self.auxiliary_step(X_real, y_real, attributes, fake))
        losses.update(self._generator_step(X_real, y_real, attributes, decoding))
        return losses

    def _generator_step(self, X, y, attributes, decoding):
        bundle, s = self.module_, self.settings_
        terms = {}
        fake = None
        bundle.critic.requires_grad_(False)
        if s["freeze_decoder"] and decoding:
            bundle.decoder.requires_grad_(False)
        try:
            if "encoder" in bundle._modules:
                z, mu, logvar = bundle.encoder.latent(X, attributes)
                reconstruction = bundle.generate(z, attributes, self.feedback_)
                terms["loss_vae"] = vae_loss(reconstruction, X, mu, logvar,
                                             kind=s["reconstruction"])
                if s["encoded_noise"]:
                    fake = reconstruction
            if fake is None:
                fake = bundle.generate(bundle.generator.noise(attributes), attributes,
                                       self.feedback_)
            terms["loss_generator"] = s["adversarial_weight"] * wgan_generator_loss(
                bundle.critic(fake, attributes))
            if decoding:
                terms["loss_decoder"] = s["decoder_weight"] * weighted_l1_loss(
                    bundle.decoder(fake), attributes)
            if "pretrained_classifier" in bundle._modules:
                logits = bundle.pretrained_classifier(fake)
                terms["loss_classification"] = s["classification_weight"] * classification_loss(
                    logits, bundle.seen_position[y])
            terms.update(self.generator_terms(X, y, attributes, fake))
            also = ("decoder",) if decoding and not s["freeze_decoder"] else ()
            self.update("generator", terms, also=(*also, *self.joint_groups))  # the method's
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
