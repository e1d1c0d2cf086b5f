"""Generate-then-classify: the estimator every generative method builds on.

``fit`` runs four stages: (1) train the backbone (``_backbone.py``) and the
method's modules, the skorch net ``generator_net_`` made by
``_build_generator_net``; (2) synthesize unseen-class features; (3) map
features to the classifier's input (the stage-1 module's ``forward``: identity,
TF-VAEGAN's decoder features, SDDN's fused features); (4) train a softmax
classifier over every class, ``classifier_net_``. Prediction runs (3) and (4)
through skorch's ``forward_iter``; the base class applies the seen bias.
"""

from functools import partial

import numpy as np
from scipy.special import log_softmax
from sklearn.base import _fit_context
from sklearn.preprocessing import MinMaxScaler

from .._early_stopping import (
    EARLY_STOPPING_CONSTRAINTS,
    early_stopping_callbacks,
    validation_split,
)
from .._training import (
    FullBatchSampler,
    NeuralEstimatorMixin,
    build_net,
    discard_fitted,
    fit_stage,
    gather,
    resolve_device,
    sampler_loader,
    seed_from_random_state,
    seeded,
)
from ..base import BaseGZSLClassifier
from ..nn.generative import SoftmaxClassifier, init_normal_
from ..utils._docstring import fill_doc
from ._backbone import BACKBONE_CONSTRAINTS
from ._feature_generator import FeatureGenerator
from ._nets import ADAM_GAN, ClassifierNet
from ._presets import generative_preset

__all__ = ["BaseGenerativeClassifier"]

_PREDICT_BATCH = 4096  # rows per inference batch: large, inference keeps no graph


@fill_doc
class BaseGenerativeClassifier(NeuralEstimatorMixin, BaseGZSLClassifier):
    """Base class of the generate-then-classify estimators. Not for direct use.

    Its ``__init__`` sets the shared parameters; a subclass lists them in its
    signature and calls ``super().__init__(**self._parent_arguments(
    BaseGenerativeClassifier, locals()))``, then
    implements ``_build_generator_net(X_scaled, y_idx)`` (the stage-1 net).
    """

    _uses_lcls = False
    _parameter_constraints: dict = {
        **BaseGZSLClassifier._parameter_constraints,
        **BACKBONE_CONSTRAINTS,
        **EARLY_STOPPING_CONSTRAINTS,
        "random_state": ["random_state"],
        "device": [str],
        "verbose": ["verbose"],
    }

    def __init__(self, class_attributes=None, *, backbone="clswgan", noise_dim=None,
                 hidden_dim=4096, n_critic=5, gp_weight=10.0, gp_weight_rule="auto",
                 critic_weight="auto", adversarial_weight="auto", encoded_noise="auto",
                 decoder_weight=0.01, feedback_weight=1.0, synthesis_feedback_weight=1.0,
                 decoder_lr=1e-4, feedback_lr=1e-5, freeze_decoder=False, max_epochs=30,
                 batch_size=64, lr=1e-4, n_synthetic_per_class=300,
                 n_synthetic_seen_per_class=0, classifier_max_epochs=25,
                 classifier_batch_size=300, classifier_lr=1e-3, early_stopping=False,
                 validation_every=1, patience=5, feature_scaling="minmax",
                 semantic_scaling="l2", seen_bias=0.0, candidates="all", random_state=None,
                 device="auto", verbose=1):
        self.class_attributes = class_attributes
        self.backbone = backbone
        self.noise_dim = noise_dim
        self.hidden_dim = hidden_dim
        self.n_critic = n_critic
        self.gp_weight = gp_weight
        self.gp_weight_rule = gp_weight_rule
        self.critic_weight = critic_weight
        self.adversarial_weight = adversarial_weight
        self.encoded_noise = encoded_noise
        self.decoder_weight = decoder_weight
        self.feedback_weight = feedback_weight
        self.synthesis_feedback_weight = synthesis_feedback_weight
        self.decoder_lr = decoder_lr
        self.feedback_lr = feedback_lr
        self.freeze_decoder = freeze_decoder
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.n_synthetic_per_class = n_synthetic_per_class
        self.n_synthetic_seen_per_class = n_synthetic_seen_per_class
        self.classifier_max_epochs = classifier_max_epochs
        self.classifier_batch_size = classifier_batch_size
        self.classifier_lr = classifier_lr
        self.early_stopping = early_stopping
        self.validation_every = validation_every
        self.patience = patience
        self.feature_scaling = feature_scaling
        self.semantic_scaling = semantic_scaling
        self.seen_bias = seen_bias
        self.candidates = candidates
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    @classmethod
    def from_preset(cls, dataset, backbone=None, **params):
        """An estimator with a reference script's settings for ``dataset``.

        Parameters
        ----------
        dataset : {"CUB", "SUN", "AWA2", "FLO"}
            Whose script to follow (see :func:`generative_preset`).
        backbone : {"clswgan", "fvaegan", "tfvaegan"}, default=None
            Whose scripts; ``None`` uses the estimator's default backbone.
        **params
            Other constructor parameters (``class_attributes``, ...); they
            override the preset.

        Returns
        -------
        estimator : BaseGenerativeClassifier
            Unfitted.

        Examples
        --------
        >>> from skzsl.generative import CLSWGANClassifier
        >>> CLSWGANClassifier.from_preset("SUN", backbone="tfvaegan").feedback_weight
        0.1
        """
        preset = generative_preset(dataset, backbone or cls().backbone)
        if not cls._uses_lcls:
            # the L_CLS weight of f-CLSWGAN; another method's term of that name is its own
            preset.pop("classification_weight", None)
        return cls(**{**preset, **params})

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the generator, synthesize unseen-class features, train the classifier.

        One Ctrl-C stops the fit within one batch, in any stage: ``fit``
        re-raises ``KeyboardInterrupt`` and leaves the estimator unfitted.

%(method_fit)s
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
        if self.early_stopping is not False:
            X, y_idx, X_val, y_val = validation_split(self, X, y_idx)
        self.scaler_ = MinMaxScaler().fit(X) if self.feature_scaling == "minmax" else None
        X_scaled = self._scale(X).astype(np.float32)
        if self.scaler_ is not None:
            # rounding can leave the maximum of float32 input at 1 + 1e-7, outside the [0, 1]
            # that the reconstruction's binary cross-entropy accepts
            np.clip(X_scaled, 0, 1, out=X_scaled)
        with seeded(seed, self.device_):
            net = self._build_generator_net(X_scaled, y_idx)
            if self.early_stopping is not False:
                # validation H of the final classifier trained on this epoch's synthetic features
                score = partial(self._validation_scores, X_scaled=X_scaled, y_idx=y_idx,
                                X_val=self._scale(X_val).astype(np.float32), seed=seed)
                net.callbacks = [*net.callbacks, *early_stopping_callbacks(self, score, y_val)]
            self.generator_net_ = fit_stage(self, net, X_scaled, y_idx.astype(np.int64))
            self.generator_ = FeatureGenerator(net, self.class_attributes_, self.scaler_)
            self.classifier_net_ = self._final_classifier(net, X_scaled, y_idx, seed)
        if self.early_stopping is not False:
            self.best_epoch_ = dict(net.callbacks_)["early_stopping"].best_epoch_
        # float64 inference: predictions must not depend on how samples are batched
        self.generator_net_.module_.double().eval()
        self.classifier_net_.module_.double().eval()
        return self

    def _final_classifier(self, net, X_scaled, y_idx, seed, verbose=None):
        """Stages 2 to 4 with the generator of ``net``, seeded alike at every call."""
        with seeded(seed, self.device_):
            net.module_.eval()
            counts = np.where(self._seen_mask, self.n_synthetic_seen_per_class,
                              self.n_synthetic_per_class)
            X_syn, y_syn = FeatureGenerator(net, self.class_attributes_, None).sample_counts(
                counts, seed)
            features = self._classifier_input(np.concatenate([X_scaled, X_syn]), net)
            return self._train_classifier(features, np.concatenate([y_idx, y_syn]),
                                          len(self.classes_), "classifier", verbose)

    def _validation_scores(self, net, X_scaled, y_idx, X_val, seed):
        clf = self._final_classifier(net, X_scaled, y_idx, seed, verbose=0)
        return gather(clf.forward_iter(self._classifier_input(X_val, net)))

    def _train_classifier(self, features, target, n_classes, desc, verbose=None):
        """Fit a linear softmax classifier net on numpy arrays (a stage of ``fit``)."""
        module = init_normal_(SoftmaxClassifier(features.shape[1], n_classes))
        net = build_net(ClassifierNet, module, max_epochs=self.classifier_max_epochs,
                        batch_size=self.classifier_batch_size, lr=self.classifier_lr,
                        device=self.device_, desc=desc,
                        verbose=self.verbose if verbose is None else verbose,
                        optimizer=ADAM_GAN, predict_batch_size=_PREDICT_BATCH,
                        iterator_train=sampler_loader,
                        iterator_train__make_sampler=FullBatchSampler)
        return fit_stage(self, net, features.astype(np.float32, copy=False),
                         target.astype(np.int64, copy=False))

    def _scale(self, X):
        return X if self.scaler_ is None else self.scaler_.transform(X)

    def _seen_position(self):
        """Column of each class among the seen classes (-1 for unseen classes)."""
        return np.where(self._seen_mask, np.cumsum(self._seen_mask) - 1, -1)

    def _classifier_input(self, X, net=None):
        """(Scaled) features -> what the final classifier reads, through the stage-1 net."""
        net = self.generator_net_ if net is None else net
        if net.module_.fusion == ("visual",):
            return X
        return gather(net.forward_iter(X), dtype=X.dtype, n_rows=len(X))

    def _decision_scores(self, X):
        features = self._classifier_input(self._scale(X).astype(np.float64, copy=False))
        if features.shape[0] == 0:
            return np.empty((0, len(self.classes_)))
        return log_softmax(gather(self.classifier_net_.forward_iter(features)), axis=1)
