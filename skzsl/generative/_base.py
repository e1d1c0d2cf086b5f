"""Generate-then-classify: the estimator every generative method builds on.

``fit`` runs four stages: (1) train a conditional feature generator on seen
features against a WGAN-GP critic plus the method's own terms, the skorch net
``generator_net_`` (a :class:`~skzsl.generative._nets.GenerativeNet` made by
``_build_generator_net``); (2) synthesize unseen-class features; (3) map real
and synthetic features to the classifier's input (the stage-1 module's
``forward``: identity, or SDDN's fused features); (4) train a softmax
classifier over every class, ``classifier_net_``. Prediction runs (3) and (4)
through skorch's ``forward_iter``; the base class applies ``seen_bias`` and
``candidates``.
"""

import inspect
from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import log_softmax
from sklearn.base import _fit_context
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from .._training import (
    NeuralEstimatorMixin,
    build_net,
    discard_fitted,
    fit_stage,
    gather,
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
    ModuleBundle,
    SoftmaxClassifier,
)
from ._feature_generator import FeatureGenerator
from ._nets import ADAM_GAN, ClassifierNet

__all__ = ["BaseGenerativeClassifier"]

# rows per inference batch: large, inference keeps no graph
_PREDICT_BATCH = 4096


class BaseGenerativeClassifier(NeuralEstimatorMixin, BaseGZSLClassifier):
    """Base class of the generate-then-classify estimators. Not for direct use.

    Its ``__init__`` sets the parameters every generative method shares; a
    subclass lists them in its own signature (scikit-learn reads parameters
    from it) and passes them on with ``super().__init__(**self._shared(locals()))``.
    Subclasses implement ``_build_generator_net(X_scaled, y_idx)`` (the
    stage-1 net, uninitialised) and may pass ``fusion`` to :meth:`_bundle`.
    """

    _parameter_constraints: dict = {
        **BaseGZSLClassifier._parameter_constraints,
        "backbone": [StrOptions({"wgan", "vaegan"})],
        "noise_dim": [Interval(Integral, 1, None, closed="left"), None],
        "hidden_dim": [Interval(Integral, 1, None, closed="left")],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "gp_weight": [Interval(Real, 0, None, closed="left")],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "n_synthetic_per_class": [Interval(Integral, 0, None, closed="left")],
        "n_synthetic_seen_per_class": [Interval(Integral, 0, None, closed="left")],
        "classifier_max_epochs": [Interval(Integral, 1, None, closed="left")],
        "classifier_batch_size": [Interval(Integral, 1, None, closed="left")],
        "classifier_lr": [Interval(Real, 0, None, closed="neither")],
        "feature_scaling": [StrOptions({"minmax"}), None],
        "semantic_scaling": [StrOptions({"standard"}), None],
        "random_state": ["random_state"],
        "device": [str],
        "verbose": ["verbose"],
    }

    def __init__(self, class_attributes=None, *, backbone="wgan", noise_dim=None,
                 hidden_dim=4096, n_critic=5, gp_weight=10.0, max_epochs=30, batch_size=64,
                 lr=1e-4, n_synthetic_per_class=300, n_synthetic_seen_per_class=0,
                 classifier_max_epochs=25, classifier_batch_size=256, classifier_lr=1e-3,
                 feature_scaling="minmax", semantic_scaling=None, seen_bias=0.0,
                 candidates="all", random_state=None, device="auto", verbose=1):
        self.class_attributes = class_attributes
        self.backbone = backbone
        self.noise_dim = noise_dim
        self.hidden_dim = hidden_dim
        self.n_critic = n_critic
        self.gp_weight = gp_weight
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.n_synthetic_per_class = n_synthetic_per_class
        self.n_synthetic_seen_per_class = n_synthetic_seen_per_class
        self.classifier_max_epochs = classifier_max_epochs
        self.classifier_batch_size = classifier_batch_size
        self.classifier_lr = classifier_lr
        self.feature_scaling = feature_scaling
        self.semantic_scaling = semantic_scaling
        self.seen_bias = seen_bias
        self.candidates = candidates
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    @staticmethod
    def _shared(arguments):
        """The arguments of a subclass's ``__init__`` that this ``__init__`` takes."""
        names = inspect.signature(BaseGenerativeClassifier.__init__).parameters
        return {name: arguments[name] for name in names if name != "self"}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the generator, synthesize unseen-class features, train the classifier.

        One Ctrl-C stops the fit within one batch, in any stage: ``fit``
        re-raises ``KeyboardInterrupt`` and leaves the estimator unfitted.

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
        try:
            return self._fit(X, y)
        except KeyboardInterrupt:
            discard_fitted(self)
            raise

    def _fit(self, X, y):
        X, y_idx = self._setup_gzsl(X, y)
        self.device_ = resolve_device(self.device)
        seed = seed_from_random_state(self.random_state)
        self.scaler_ = MinMaxScaler().fit(X) if self.feature_scaling == "minmax" else None
        X_scaled = self._scale(X).astype(np.float32)
        with seeded(seed, self.device_):
            self.generator_net_ = fit_stage(self, self._build_generator_net(X_scaled, y_idx),
                                            X_scaled, y_idx.astype(np.int64))
            self.generator_net_.module_.eval()
            self.generator_ = FeatureGenerator(self.generator_net_, self.class_attributes_,
                                               self.scaler_)
            X_all, y_all = self._with_synthetic(X_scaled, y_idx, seed)
            self.classifier_net_ = self._train_classifier(
                self._classifier_input(X_all), y_all, len(self.classes_), "classifier")
        # float64 inference: predictions must not depend on how samples are batched
        self.generator_net_.module_.double().eval()
        self.classifier_net_.module_.double().eval()
        return self

    def _train_classifier(self, features, target, n_classes, desc):
        """Fit a linear softmax classifier net on numpy arrays (a stage of ``fit``)."""
        net = build_net(ClassifierNet, SoftmaxClassifier(features.shape[1], n_classes),
                        max_epochs=self.classifier_max_epochs,
                        batch_size=self.classifier_batch_size, lr=self.classifier_lr,
                        device=self.device_, verbose=self.verbose, desc=desc,
                        optimizer=ADAM_GAN, predict_batch_size=_PREDICT_BATCH)
        return fit_stage(self, net, features.astype(np.float32), target.astype(np.int64))

    def _scale(self, X):
        return X if self.scaler_ is None else self.scaler_.transform(X)

    def _semantics(self):
        """The class vectors the networks read: the table, optionally standardised."""
        matrix = self.class_attributes_.matrix
        if self.semantic_scaling == "standard":
            std = matrix.std(axis=0)
            matrix = (matrix - matrix.mean(axis=0)) / np.where(std > 0, std, 1.0)
        return matrix

    def _seen_position(self):
        """Column of each class among the seen classes (-1 for unseen classes)."""
        seen = self._seen_mask
        position = np.full(len(self.classes_), -1)
        position[seen] = np.arange(seen.sum())
        return position

    def _bundle(self, n_features, fusion=("visual",), **modules):
        """The ModuleBundle of stage 1: generator, critic, optional encoder, and ``modules``."""
        n_att = self.class_attributes_.n_attributes
        noise = self.noise_dim or n_att
        output = "sigmoid" if self.feature_scaling == "minmax" else "linear"
        modules["generator"] = ConditionalGenerator(n_att, noise, self.hidden_dim, n_features,
                                                    output=output)
        modules["critic"] = ConditionalCritic(n_features, n_att, self.hidden_dim)
        if self.backbone == "vaegan":
            modules["encoder"] = ConditionalEncoder(n_features, n_att, self.hidden_dim, noise)
        return ModuleBundle(torch.as_tensor(self._semantics(), dtype=torch.float32),
                            torch.as_tensor(self._seen_position(), dtype=torch.long),
                            fusion=fusion, **modules)

    def _net(self, net_class, bundle, *, groups, weights):
        """Build the stage-1 net with this estimator's shared settings."""
        groups = {"critic": ("critic",),
                  "generator": ("generator", "encoder") if self.backbone == "vaegan"
                  else ("generator",),
                  **groups}
        return build_net(
            net_class, bundle, max_epochs=self.max_epochs, batch_size=self.batch_size,
            lr=self.lr, device=self.device_, verbose=self.verbose,
            desc=f"{type(self).__name__} generator", optimizer=ADAM_GAN,
            predict_batch_size=_PREDICT_BATCH, optimizer_groups=groups,
            n_critic=self.n_critic, gp_weight=self.gp_weight, backbone=self.backbone,
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
        """(Scaled) features -> what the final classifier reads, through ``generator_net_``."""
        if self.generator_net_.module_.fusion == ("visual",):
            return X
        return gather(self.generator_net_.forward_iter(X), dtype=X.dtype)

    def _decision_scores(self, X):
        features = self._classifier_input(self._scale(X).astype(np.float64, copy=False))
        if features.shape[0] == 0:
            return np.empty((0, len(self.classes_)))
        return log_softmax(gather(self.classifier_net_.forward_iter(features)), axis=1)
