"""Generate-then-classify: the estimator every generative method builds on.

``fit`` runs four stages: (1) train the backbone (``backbone``, see
``_backbones.py``) with the method's own networks: one skorch net,
``generator_net_``, whose module holds the backbone's networks and those of
:meth:`BaseGenerativeClassifier._method_modules`; (2) synthesize unseen-class
features; (3) map features to the classifier's input
(:meth:`BaseGenerativeClassifier.classifier_input`: the features themselves,
TF-VAEGAN's decoder features, SDDN's fused features); (4) train a softmax
classifier over every class, ``classifier_net_``. Prediction runs (3) and (4)
through skorch's ``forward_iter``; the base class applies the seen bias.

A method subclasses it with one class attribute and up to three methods:
``_net_class`` (a :class:`GenerativeNet` subclass whose ``auxiliary_step`` and
``generator_terms`` train the method's networks), ``_method_modules`` (its
networks and optimizer groups), ``_loss_weights`` and ``_fusion``.
"""

from functools import partial
from numbers import Integral, Real

import numpy as np
import torch
from scipy.special import log_softmax
from sklearn.base import _fit_context
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._early_stopping import (
    EARLY_STOPPING_CONSTRAINTS,
    early_stopping_callbacks,
    hold_out_validation_classes,
)
from .._training import (
    FullBatchSampler,
    MultiOptimizerNet,
    NeuralEstimatorMixin,
    RandomDrawBatchSampler,
    build_net,
    estimator_net,
    fit_stage,
    gather,
    resolve_device,
    sampler_loader,
    seed_from_random_state,
    seeded,
)
from ..base import BaseGZSLClassifier
from ..nn.generative import ModuleBundle, SoftmaxClassifier, init_normal_
from ..nn.generative_losses import classification_loss
from ..utils._docstring import fill_doc
from ._backbones import ADAM_GAN, BACKBONES, GenerativeNet, _Backbone, check_backbone
from ._feature_generator import FeatureGenerator
from ._presets import generative_preset

__all__ = ["BaseGenerativeClassifier", "ClassifierNet"]

_PREDICT_BATCH = 4096  # rows per inference batch: large, inference keeps no graph


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


@fill_doc
class BaseGenerativeClassifier(NeuralEstimatorMixin, BaseGZSLClassifier):
    """Base class of the generate-then-classify estimators. Not for direct use.

    Its ``__init__`` sets the shared parameters; a subclass lists them in its
    signature and calls ``super().__init__(**self._parent_arguments(
    BaseGenerativeClassifier, locals()))``, then sets ``_net_class`` and, when
    it has networks of its own, ``_method_modules``, ``_loss_weights`` and
    ``_fusion``.
    """

    _net_class = GenerativeNet
    _parameter_constraints: dict = {
        **BaseGZSLClassifier._parameter_constraints,
        **EARLY_STOPPING_CONSTRAINTS,
        "backbone": [StrOptions(set(BACKBONES)), _Backbone],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "n_synthetic_per_class": [Interval(Integral, 0, None, closed="left")],
        "n_synthetic_seen_per_class": [Interval(Integral, 0, None, closed="left")],
        "classifier_max_epochs": [Interval(Integral, 1, None, closed="left")],
        "classifier_batch_size": [Interval(Integral, 1, None, closed="left")],
        "classifier_lr": [Interval(Real, 0, None, closed="neither")],
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "device": [str],
        "verbose": ["verbose"],
    }

    def __init__(self, class_attributes=None, *, backbone="clswgan", max_epochs=30,
                 n_synthetic_per_class=300, n_synthetic_seen_per_class=0,
                 classifier_max_epochs=25, classifier_batch_size=300, classifier_lr=1e-3,
                 early_stopping=False, validation_every=1, patience=5, seen_bias=0.0,
                 candidates="all", callbacks=None, random_state=None, device="auto",
                 verbose=1):
        self.class_attributes = class_attributes
        self.backbone = backbone
        self.max_epochs = max_epochs
        self.n_synthetic_per_class = n_synthetic_per_class
        self.n_synthetic_seen_per_class = n_synthetic_seen_per_class
        self.classifier_max_epochs = classifier_max_epochs
        self.classifier_batch_size = classifier_batch_size
        self.classifier_lr = classifier_lr
        self.early_stopping = early_stopping
        self.validation_every = validation_every
        self.patience = patience
        self.seen_bias = seen_bias
        self.candidates = candidates
        self.callbacks = callbacks
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
            Unfitted; its ``backbone`` is the preset's backbone object.

        Examples
        --------
        >>> from skzsl.generative import CLSWGANClassifier
        >>> clf = CLSWGANClassifier.from_preset("SUN", backbone="tfvaegan")
        >>> clf.backbone.feedback_weight, clf.max_epochs
        (0.1, 400)
        """
        return cls(**{**generative_preset(dataset, backbone or cls().backbone), **params})

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the generator, synthesize unseen-class features, train the classifier.

        One Ctrl-C stops the fit within one batch, in any stage: ``fit``
        re-raises ``KeyboardInterrupt``. A diverged loss raises
        :class:`~skzsl.exceptions.TrainingDivergedError`. After any failure the
        estimator is left as it was before the call.

%(method_fit)s
        """
        X, y_idx = self._setup_gzsl(X, y)
        self.backbone_ = check_backbone(self.backbone)
        self.device_ = resolve_device(self.device)
        seed = seed_from_random_state(self.random_state)
        if self.early_stopping is not False:
            X, y_idx, X_val, y_val = hold_out_validation_classes(self, X, y_idx)
        scaling = self.backbone_.feature_scaling == "minmax"
        self.scaler_ = MinMaxScaler().fit(X) if scaling else None
        X_scaled = self._scale(X).astype(np.float32)
        if self.scaler_ is not None:
            # rounding can leave the maximum of float32 input at 1 + 1e-7, outside the [0, 1]
            # that the reconstruction's binary cross-entropy accepts
            np.clip(X_scaled, 0, 1, out=X_scaled)
        with seeded(seed, self.device_):
            net = self._generator_net(X_scaled, y_idx)
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

    def _method_modules(self, n_features, n_attributes):
        """The method's own networks and their optimizer groups (none for the backbone alone)."""
        return {}, {}

    def _method_param_groups(self):
        """skorch ``optimizer__param_groups`` entries for the method's networks (none here)."""
        return []

    def _loss_weights(self):
        """The method's loss weights, read by its net's hooks."""
        return None

    def _fusion(self):
        """What the final classifier reads, before the backbone adds its part."""
        return ("visual",)

    def _generator_net(self, X_scaled, y_idx):
        """Stage 1's net: the backbone's networks, the method's, and f-CLSWGAN's classifier."""
        backbone, n_features = self.backbone_, X_scaled.shape[1]
        pretrained = {}
        if backbone.settings()["classification_weight"]:
            # L_CLS reads a classifier pretrained on the real seen features, then frozen
            self.pretrained_net_ = self._train_classifier(
                X_scaled, self._seen_position()[y_idx], len(self.seen_classes_),
                "pretrained classifier")
            pretrained["pretrained_classifier"] = self.pretrained_net_.module_.requires_grad_(
                False).eval()
        n_attributes = self.class_attributes_.n_attributes
        modules, groups = self._method_modules(n_features, n_attributes)
        bundle = ModuleBundle(
            backbone.class_semantics(self.class_attributes_.matrix),
            torch.as_tensor(self._seen_position(), dtype=torch.long),
            fusion=backbone.fusion(self._fusion()),
            **backbone.build_modules(n_features, n_attributes), **modules, **pretrained)
        sampler = partial(RandomDrawBatchSampler, n_draws=backbone.n_critic,
                          n_passes=backbone.settings()["n_passes"])
        return estimator_net(
            self, self._net_class, bundle, batch_size=backbone.batch_size, lr=backbone.lr,
            desc=f"{type(self).__name__} generator", optimizer=ADAM_GAN,
            optimizer__param_groups=[*backbone.param_groups(), *self._method_param_groups()],
            optimizer_groups={**backbone.optimizer_groups(), **groups},
            iterator_train=sampler_loader, iterator_train__make_sampler=sampler,
            predict_batch_size=_PREDICT_BATCH, backbone=backbone,
            weights=self._loss_weights())

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
        """Fit a linear softmax classifier net on numpy arrays (a stage of ``fit``).

        The validation classifiers of early stopping (``verbose=0``) train
        inside a generator epoch, so they get copies of the user's callbacks.
        """
        module = init_normal_(SoftmaxClassifier(features.shape[1], n_classes))
        net = build_net(ClassifierNet, module, max_epochs=self.classifier_max_epochs,
                        batch_size=self.classifier_batch_size, lr=self.classifier_lr,
                        device=self.device_, desc=desc,
                        verbose=self.verbose if verbose is None else verbose,
                        callbacks=self.callbacks, copy_callbacks=verbose == 0,
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
        """Scaled features -> what the final classifier reads, through the stage-1 net."""
        net = self.generator_net_ if net is None else net
        if net.module_.fusion == ("visual",):
            return X
        return gather(net.forward_iter(X), dtype=X.dtype, n_rows=len(X))

    def classifier_input(self, X):
        """The features the final classifier reads, for any samples.

        The scaled visual features, followed by what the method and the
        backbone add (TF-VAEGAN's decoder features, SDDN's refined and
        semantic-consistent features, as ``fusion`` says).

%(method_X_as_in_fit)s

        Returns
        -------
        features : ndarray of shape (n_samples, n_classifier_features)
            In float64, the dtype of inference.
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        return self._classifier_input(self._scale(X).astype(np.float64, copy=False))

    def _decision_scores(self, X):
        features = self._classifier_input(self._scale(X).astype(np.float64, copy=False))
        if features.shape[0] == 0:
            return np.empty((0, len(self.classes_)))
        return log_softmax(gather(self.classifier_net_.forward_iter(features)), axis=1)
