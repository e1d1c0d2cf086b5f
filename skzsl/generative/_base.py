"""Generate-then-classify: the mechanism every generative estimator shares.

A generative GZSL classifier runs four stages, in this order:

1. ``_train_generator``: train a conditional feature generator on seen-class
   features, adversarially against a critic (WGAN-GP), with ``n_critic``
   critic steps per generator step, plus the method's own terms. One skorch
   net (:class:`GenerativeNet`, built on ``skzsl._training``) runs this stage for
   every method; a method subclasses it and adds terms through three hooks.
2. synthesize ``n_synthetic_per_class`` features per unseen class;
3. map real seen and synthetic unseen features to the classifier's input
   (``_classifier_input``: identity for f-CLSWGAN, the fused refined and
   semantic-consistent features for SDDN);
4. train a softmax classifier over every class of the table on them.

Prediction is the classifier's log-probabilities; the base class applies
``seen_bias`` and ``candidates``.
"""

from functools import partial
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from torch import nn

from .._training import (
    MultiOptimizerNet,
    build_net,
    resolve_device,
    seed_from_random_state,
    seeded,
    to_numpy,
)
from ..base import BaseGZSLClassifier
from ..nn.generative import (
    ConditionalCritic,
    ConditionalEncoder,
    ConditionalGenerator,
    SoftmaxClassifier,
)
from ..nn.generative_losses import (
    classification_loss,
    gradient_penalty,
    vae_loss,
    wgan_generator_loss,
    wgan_gp_critic_loss,
)
from ..utils._docstring import fill_doc as _fill_doc

__all__ = ["FeatureGenerator", "BaseGenerativeClassifier", "GenerativeNet", "ClassifierNet"]

_PREDICT_CHUNK = 4096
# Adam with beta1 = 0.5, as every feature-generation code
_ADAM_GAN = partial(torch.optim.Adam, betas=(0.5, 0.999))


class ModuleBundle(nn.Module):
    """The modules of one method, side by side, plus the class-semantic matrix.

    ``class_semantics`` (n_classes, n_attributes), ``seen_position`` (the
    column of each class among the seen classes, -1 for unseen ones) and the
    class positions ``seen_index`` / ``unseen_index`` are buffers, so they
    follow the bundle to its device.
    """

    def __init__(self, class_semantics, seen_position, **modules):
        super().__init__()
        self.register_buffer("class_semantics", class_semantics)
        self.register_buffer("seen_position", seen_position)
        self.register_buffer("seen_index", torch.nonzero(seen_position >= 0).squeeze(1))
        self.register_buffer("unseen_index", torch.nonzero(seen_position < 0).squeeze(1))
        for name, module in modules.items():
            setattr(self, name, module)

    @property
    def seen_semantics(self):
        return self.class_semantics[self.seen_index]

    def random_unseen(self, n):
        """``n`` unseen class positions drawn uniformly with replacement (torch's RNG).

        The table must have an unseen class.
        """
        draw = torch.randint(self.unseen_index.numel(), (n,), device=self.unseen_index.device)
        return self.unseen_index[draw]


class GenerativeNet(MultiOptimizerNet):
    """Stage 1 of every generative method: WGAN-GP (or VAE-GAN) training with hooks.

    One batch runs ``n_critic`` critic updates (fresh noise each), then
    :meth:`auxiliary_step` (the method's other networks), then one generator
    update on the adversarial loss, the VAE loss when ``backbone="vaegan"``,
    and :meth:`generator_terms`.

    Parameters
    ----------
    module : ModuleBundle
        With at least ``generator`` and ``critic`` (and ``encoder`` for VAE-GAN).
    n_critic : int, default=5
        Critic updates per generator update.
    gp_weight : float, default=10.0
        Weight of the gradient penalty.
    backbone : {"wgan", "vaegan"}, default="wgan"
        f-CLSWGAN's WGAN-GP generator, or f-VAEGAN's VAE + WGAN-GP.
    reconstruction : {"bce", "mse"}, default="bce"
        VAE reconstruction loss (BCE needs features in [0, 1]).
    weights : dict, default=None
        The method's loss weights and settings, read by its hooks.
    **kwargs
        :class:`skzsl._training.MultiOptimizerNet` parameters.
    """

    loss_names = ("loss_critic", "loss_generator", "wasserstein", "loss_vae")

    def __init__(self, *args, n_critic=5, gp_weight=10.0, backbone="wgan",
                 reconstruction="bce", weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.n_critic = n_critic
        self.gp_weight = gp_weight
        self.backbone = backbone
        self.reconstruction = reconstruction
        self.weights = weights

    def compute_step(self, X, y):
        bundle = self.module_
        attributes = bundle.class_semantics[y]
        losses = {}
        for _ in range(self.n_critic):
            with torch.no_grad():
                fake = bundle.generator.sample(attributes)
            real_scores = bundle.critic(X, attributes)
            fake_scores = bundle.critic(fake, attributes)
            penalty = gradient_penalty(bundle.critic, X, fake, attributes)
            loss = wgan_gp_critic_loss(real_scores, fake_scores, penalty, self.gp_weight)
            self.update("critic", loss)
        losses["loss_critic"] = loss
        losses["wasserstein"] = (real_scores.mean() - fake_scores.mean()).detach()
        losses.update(self.auxiliary_step(X, y, attributes, fake))

        fake = bundle.generator.sample(attributes)
        terms = {"loss_generator": wgan_generator_loss(bundle.critic(fake, attributes))}
        if self.backbone == "vaegan":
            mu, logvar = bundle.encoder(X, attributes)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
            terms["loss_vae"] = vae_loss(bundle.generator(z, attributes), X, mu, logvar,
                                         kind=self.reconstruction)
        terms.update(self.generator_terms(X, y, attributes, fake))
        self.update("generator", sum(terms.values()))
        losses.update(terms)
        return losses

    def auxiliary_step(self, X, y, attributes, fake):
        """Train the method's other networks once per batch; ``fake`` is detached.

        Returns the named losses to record.
        """
        return {}

    def generator_terms(self, X, y, attributes, fake):
        """The method's weighted terms added to the generator's loss (named)."""
        return {}


class ClassifierNet(MultiOptimizerNet):
    """Trains a softmax classifier (the ``classifier`` child) with cross-entropy."""

    loss_names = ("loss_classifier",)

    def compute_step(self, X, y):
        loss = classification_loss(self.module_.classifier(X), y)
        self.update("classifier", loss)
        return {"loss_classifier": loss}


def train_softmax_classifier(features, target, n_classes, *, epochs, batch_size, lr, device,
                             verbose, desc):
    """Train a linear softmax classifier on numpy arrays; return the module and history."""
    bundle = nn.Module()
    bundle.classifier = SoftmaxClassifier(features.shape[1], n_classes)
    net = build_net(ClassifierNet, bundle, max_epochs=epochs, batch_size=batch_size, lr=lr,
                    device=device, verbose=verbose, desc=desc,
                    optimizer=_ADAM_GAN,
                    optimizer_groups={"classifier": ("classifier",)})
    net.fit(features.astype(np.float32), target.astype(np.int64))
    return net.module_.classifier, net.history


class FeatureGenerator:
    """A trained conditional feature generator, usable on its own.

    Fitted generative estimators expose one as ``generator_``. It generates
    features of any class of their class table, seen or unseen, in the
    original feature space (the estimator's feature scaling is undone).

    Parameters
    ----------
    generator : skzsl.nn.generative.ConditionalGenerator
        The trained module.
    class_attributes : ClassAttributes
        The class table: its labels name the classes.
    semantics : ndarray of shape (n_classes, n_attributes)
        The conditioning vector of each class of the table, as the generator
        was trained on (the table's matrix, after ``semantic_scaling``).
    scaler : MinMaxScaler or None
        The feature scaling applied in fit, inverted on output.
    device : str
        Where the module lives.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.generative import CLSWGANClassifier
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = CLSWGANClassifier(data.class_attributes, hidden_dim=32, epochs=2,
    ...                         classifier_epochs=2, n_synthetic_per_class=10, verbose=0,
    ...                         random_state=0).fit(data.X_train, data.y_train)
    >>> clf.generator_.sample(clf.unseen_classes_[:2], 5, random_state=0).shape
    (10, 20)
    """

    def __init__(self, generator, class_attributes, semantics, scaler, device):
        self.generator = generator
        self.class_attributes = class_attributes
        self.semantics = semantics
        self.scaler = scaler
        self.device = device

    def sample_scaled(self, class_index, n, random_state=None):
        """``n`` features per class position, in the scaled space, as a float tensor."""
        param = next(self.generator.parameters())
        gen = torch.Generator(device=self.device)
        gen.manual_seed(seed_from_random_state(random_state))
        semantics = torch.as_tensor(self.semantics[np.repeat(class_index, n)],
                                    dtype=param.dtype, device=self.device)
        was_training = self.generator.training
        self.generator.eval()
        with torch.no_grad():
            out = self.generator.sample(semantics, generator=gen)
        self.generator.train(was_training)
        return out

    def sample(self, class_labels, n, random_state=None):
        """Generate ``n`` features for each of ``class_labels``.

        Parameters
        ----------
        class_labels : array-like of shape (n_labels,)
            Labels of the class table (seen or unseen).
        n : int
            Number of features per label.
        random_state : int, RandomState instance or None, default=None
            Seeds the noise.

        Returns
        -------
        X : ndarray of shape (n_labels * n, n_features)
            ``n`` rows for the first label, then ``n`` for the second...; their
            labels are ``np.repeat(class_labels, n)``.
        """
        if not isinstance(n, Integral) or n < 0:
            raise ValueError(f"n must be a non-negative integer; got {n!r}.")
        index = self.class_attributes.index_of(np.atleast_1d(class_labels))
        X = to_numpy(self.sample_scaled(index, n, random_state)).astype(np.float64)
        return X if self.scaler is None else self.scaler.inverse_transform(X)


class BaseGenerativeClassifier(BaseGZSLClassifier):
    """Base class of the generate-then-classify estimators. Not for direct use.

    Subclasses implement ``_build_generator_net(X_scaled, y_idx)`` (the stage-1
    net, a :class:`GenerativeNet`, uninitialised) and may override
    ``_classifier_input(X)`` (a float tensor in the scaled feature space ->
    the classifier's input).
    """

    _parameter_constraints: dict = {
        **BaseGZSLClassifier._parameter_constraints,
        "backbone": [StrOptions({"wgan", "vaegan"})],
        "noise_dim": [Interval(Integral, 1, None, closed="left"), None],
        "hidden_dim": [Interval(Integral, 1, None, closed="left")],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "gp_weight": [Interval(Real, 0, None, closed="left")],
        "epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "n_synthetic_per_class": [Interval(Integral, 0, None, closed="left")],
        "n_synthetic_seen_per_class": [Interval(Integral, 0, None, closed="left")],
        "classifier_epochs": [Interval(Integral, 1, None, closed="left")],
        "classifier_batch_size": [Interval(Integral, 1, None, closed="left")],
        "classifier_lr": [Interval(Real, 0, None, closed="neither")],
        "feature_scaling": [StrOptions({"minmax"}), None],
        "semantic_scaling": [StrOptions({"standard"}), None],
        "random_state": ["random_state"],
        "device": [str],
        "verbose": ["verbose"],
    }

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the generator, synthesize unseen-class features, train the classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features of seen-class samples.
        y : array-like of shape (n_samples,)
            Labels; each must have a row in ``class_attributes``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, y_idx = self._setup_gzsl(X, y)
        self.device_ = resolve_device(self.device)
        seed = seed_from_random_state(self.random_state)
        self.scaler_ = MinMaxScaler().fit(X) if self.feature_scaling == "minmax" else None
        X_scaled = self._scale(X).astype(np.float32)
        with seeded(seed, self.device_):
            net = self._build_generator_net(X_scaled, y_idx)
            net.fit(X_scaled, y_idx.astype(np.int64))
            self.module_ = net.module_.eval()
            self.generator_ = FeatureGenerator(self.module_.generator, self.class_attributes_,
                                               self._semantics(), self.scaler_, self.device_)
            X_all, y_all = self._with_synthetic(X_scaled, y_idx, seed)
            with torch.no_grad():
                features = to_numpy(self._classifier_input(
                    torch.as_tensor(X_all, device=self.device_)))
            self.classifier_, classifier_history = train_softmax_classifier(
                features, y_all, len(self.classes_), epochs=self.classifier_epochs,
                batch_size=self.classifier_batch_size, lr=self.classifier_lr,
                device=self.device_, verbose=self.verbose, desc="classifier")
        self.history_ = {"generator": net.history, "classifier": classifier_history}
        # float64 inference: predictions must not depend on how samples are batched
        self.module_.double().eval()
        self.classifier_.double().eval()
        return self

    def _scale(self, X):
        return X if self.scaler_ is None else self.scaler_.transform(X)

    def _semantics(self):
        """The class vectors the networks read: the table, optionally standardised."""
        matrix = self.class_attributes_.matrix
        if self.semantic_scaling == "standard":
            std = matrix.std(axis=0)
            matrix = (matrix - matrix.mean(axis=0)) / np.where(std > 0, std, 1.0)
        return matrix

    def _noise_dim(self):
        return self.noise_dim or self.class_attributes_.n_attributes

    def _generator_output(self):
        return "sigmoid" if self.feature_scaling == "minmax" else "linear"

    def _seen_position(self):
        """Column of each class among the seen classes (-1 for unseen classes)."""
        seen = self._seen_mask
        position = np.full(len(self.classes_), -1)
        position[seen] = np.arange(seen.sum())
        return position

    def _bundle(self, n_features, **modules):
        """The ModuleBundle of stage 1: generator, critic, optional encoder, and ``modules``."""
        table = self.class_attributes_
        n_att, noise = table.n_attributes, self._noise_dim()
        position = self._seen_position()
        modules["generator"] = ConditionalGenerator(n_att, noise, self.hidden_dim, n_features,
                                                    output=self._generator_output())
        modules["critic"] = ConditionalCritic(n_features, n_att, self.hidden_dim)
        if self.backbone == "vaegan":
            modules["encoder"] = ConditionalEncoder(n_features, n_att, self.hidden_dim, noise)
        return ModuleBundle(torch.as_tensor(self._semantics(), dtype=torch.float32),
                            torch.as_tensor(position, dtype=torch.long), **modules)

    def _net(self, net_class, bundle, *, groups, weights, group_lr=None):
        """Build the stage-1 net with this estimator's shared settings."""
        groups = {"critic": ("critic",),
                  "generator": ("generator", "encoder") if self.backbone == "vaegan"
                  else ("generator",),
                  **groups}
        return build_net(
            net_class, bundle, max_epochs=self.epochs, batch_size=self.batch_size, lr=self.lr,
            device=self.device_, verbose=self.verbose, desc=f"{type(self).__name__} generator",
            optimizer=_ADAM_GAN,
            optimizer_groups=groups, group_lr=group_lr, n_critic=self.n_critic,
            gp_weight=self.gp_weight, backbone=self.backbone,
            reconstruction="bce" if self.feature_scaling == "minmax" else "mse",
            weights=weights)

    def _with_synthetic(self, X_scaled, y_idx, seed):
        """Real seen features plus generated ones: ``n_synthetic_per_class`` per unseen
        class and ``n_synthetic_seen_per_class`` per seen class."""
        counts = np.where(self._seen_mask, self.n_synthetic_seen_per_class,
                          self.n_synthetic_per_class)
        if counts.sum() == 0:
            return X_scaled, y_idx
        rng = check_random_state(seed)
        parts, labels = [X_scaled], [y_idx]
        for n in np.unique(counts[counts > 0]):
            classes = np.flatnonzero(counts == n)
            synthetic = self.generator_.sample_scaled(classes, int(n),
                                                      random_state=rng.randint(2 ** 31 - 1))
            parts.append(to_numpy(synthetic))
            labels.append(np.repeat(classes, n))
        return np.concatenate(parts), np.concatenate(labels)

    def _classifier_input(self, X):
        """Map (scaled) features to what the final classifier reads."""
        return X

    def _decision_scores(self, X):
        X = self._scale(X)
        out = []
        with torch.no_grad():
            for start in range(0, X.shape[0], _PREDICT_CHUNK):
                chunk = torch.tensor(X[start:start + _PREDICT_CHUNK], dtype=torch.float64,
                                        device=self.device_)
                logits = self.classifier_(self._classifier_input(chunk))
                out.append(torch.log_softmax(logits, dim=1).cpu().numpy())
        return np.concatenate(out) if out else np.empty((0, len(self.classes_)))


def fill_doc(cls):
    """Insert the generative family's parameter and attribute docs into ``cls.__doc__``."""
    return _fill_doc(cls, backbone_parameters=_BACKBONE_PARAMETERS,
                     common_parameters=_COMMON_PARAMETERS, common_attributes=_COMMON_ATTRIBUTES)


_BACKBONE_PARAMETERS = """
    class_attributes : DataFrame, dict, ClassAttributes or None, default=None
        Class semantics indexed by class label, covering every class to
        predict, seen and unseen. ``None`` uses one-hot semantics of the
        training labels (an ordinary classifier that cannot predict unseen
        classes).
    backbone : {"wgan", "vaegan"}, default="wgan"
        The feature generator: f-CLSWGAN's conditional WGAN-GP, or f-VAEGAN's
        conditional VAE whose decoder is also the WGAN-GP generator.
    noise_dim : int, default=None
        Size of the generator's noise; ``None`` uses the number of attributes,
        as f-CLSWGAN.
    hidden_dim : int, default=4096
        Hidden width of the generator, critic and encoder.
    n_critic : int, default=5
        Critic updates per generator update.
    gp_weight : float, default=10.0
        Weight ``lambda`` of the WGAN-GP gradient penalty.
    epochs : int, default=30
        Training epochs of the generator (over the real seen samples).
    batch_size : int, default=64
        Batch size of generator training.
    lr : float, default=1e-4
        Adam learning rate (``betas=(0.5, 0.999)``) of every generator-stage network.
"""

_COMMON_PARAMETERS = """
    n_synthetic_per_class : int, default=300
        Features generated per unseen class to train the final classifier.
    n_synthetic_seen_per_class : int, default=0
        Features generated per seen class, added to the real ones (0, the
        papers' setting, trains on real seen features only). Few real samples
        per seen class (SUN) is where this helps.
    classifier_epochs : int, default=25
        Epochs of the final softmax classifier.
    classifier_batch_size : int, default=256
        Batch size of the final classifier.
    classifier_lr : float, default=1e-3
        Adam learning rate of the final classifier.
    feature_scaling : {"minmax"} or None, default="minmax"
        ``"minmax"`` scales features to [0, 1] with a ``MinMaxScaler`` fitted
        on the training features, as every original code does, and the
        generator ends in a sigmoid; ``None`` leaves features as given (scale
        them yourself) with a linear generator output.
    semantic_scaling : {"standard"} or None, default=None
        ``"standard"`` standardises each semantic dimension over the classes
        of the table (zero mean, unit variance) before the networks read it;
        ``None`` uses the table as given (the papers use L2-normalised
        attributes, whose entries are small next to the N(0, I) noise).
%(seen_bias)s
%(candidates)s
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order, noise and synthesis.
%(device)s
%(verbose)s
"""

_COMMON_ATTRIBUTES = """
    classes_ : ndarray of shape (n_classes,)
        Every class of the class table, sorted.
    seen_classes_ : ndarray of shape (n_seen,)
        Classes present in ``y`` during fit.
    unseen_classes_ : ndarray of shape (n_unseen,)
        Classes of the table absent from ``y``.
    class_attributes_ : ClassAttributes
        The validated class table.
    generator_ : FeatureGenerator
        The trained generator; ``generator_.sample(labels, n)`` generates
        features of any class of the table.
    module_ : torch.nn.Module
        Every network of the generator stage (generator, critic, ...).
    classifier_ : torch.nn.Module
        The final softmax classifier.
    history_ : dict of str to skorch History
        Per-epoch losses of the ``"generator"`` and ``"classifier"`` stages,
        e.g. ``history_["generator"][:, "loss_critic"]``.
    scaler_ : MinMaxScaler or None
        The fitted feature scaling.
    device_ : str
        The resolved torch device.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.
"""
