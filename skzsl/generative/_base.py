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

The stages are public, for a user who steps in between without subclassing:
:meth:`~BaseGenerativeClassifier.build_generator_net` returns stage 1's net
untrained, :meth:`~BaseGenerativeClassifier.fit_generator` trains it (stage 1),
:meth:`~BaseGenerativeClassifier.fit_classifier` runs stages 2 to 4 from a
trained one and :meth:`~BaseGenerativeClassifier.build_classifier_net` returns
the final classifier's net untrained. ``fit`` runs the same code.

A method subclasses it with one class attribute and up to three methods:
``_net_class`` (a :class:`GenerativeNet` subclass whose ``auxiliary_step`` and
``generator_terms`` train the method's networks), ``_method_modules`` (its
networks and optimizer groups), ``_loss_weights`` and ``_fusion``.
"""

from functools import partial
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
import torch
from scipy.special import log_softmax
from sklearn.base import _fit_context
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils import check_scalar
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._early_stopping import early_stopping_callbacks, hold_out_validation_classes
from .._neural import BaseNeuralGZSLClassifier
from .._training import (
    FullBatchSampler,
    MultiOptimizerNet,
    RandomDrawBatchSampler,
    build_net,
    estimator_net,
    fit_stage,
    gather,
    resolve_device,
    resumed,
    rng_state,
    sampler_loader,
    seed_from_random_state,
    seeded,
)
from ..nn.generative import ModuleBundle, SoftmaxClassifier, init_normal_
from ..nn.generative_losses import classification_loss
from ..utils._docstring import fill_doc
from ._backbones import ADAM_GAN, BACKBONES, GenerativeNet, _Backbone, check_backbone
from ._docstrings import FRAGMENTS
from ._feature_generator import FeatureGenerator
from ._presets import generative_preset

__all__ = ["BaseGenerativeClassifier", "ClassifierNet"]

_PREDICT_BATCH = 4096  # rows per inference batch: large, inference keeps no graph


class _TrainingData(NamedTuple):
    """What ``fit``'s first steps make of ``(X, y)``, as the nets read it."""

    X: np.ndarray  # the scaled training features, float32
    y: np.ndarray  # their rows of ``classes_``
    seed: int  # the torch seed drawn from ``random_state``
    X_val: np.ndarray = None  # early stopping's validation fold, scaled
    y_val: np.ndarray = None  # and its labels


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


@fill_doc(**FRAGMENTS)
class BaseGenerativeClassifier(BaseNeuralGZSLClassifier):
    """Base class of the generate-then-classify estimators. Not for direct use.

    Its ``__init__`` sets the shared parameters; a subclass lists them in its
    signature and calls ``super().__init__(**self._parent_arguments(
    BaseGenerativeClassifier, locals()))``, then sets ``_net_class`` and, when
    it has networks of its own, ``_method_modules``, ``_loss_weights`` and
    ``_fusion``.
    """

    _net_class = GenerativeNet
    _atomic_methods = ("fit", "build_generator_net", "fit_generator", "fit_classifier")
    _parameter_constraints: dict = {
        **BaseNeuralGZSLClassifier._parameter_constraints,
        "backbone": [StrOptions(set(BACKBONES)), _Backbone],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "n_synthetic_per_class": [Interval(Integral, 0, None, closed="left")],
        "n_synthetic_seen_per_class": [Interval(Integral, 0, None, closed="left")],
        "classifier_max_epochs": [Interval(Integral, 1, None, closed="left")],
        "classifier_batch_size": [Interval(Integral, 1, None, closed="left")],
        "classifier_lr": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, class_attributes=None, *, backbone="clswgan", max_epochs=30,
                 n_synthetic_per_class=300, n_synthetic_seen_per_class=0,
                 classifier_max_epochs=25, classifier_batch_size=300, classifier_lr=1e-3,
                 early_stopping=False, validation_every=1, patience=5, seen_bias=0.0,
                 candidates="all", callbacks=None, random_state=None, device="auto",
                 verbose=1):
        self._store_parameters(locals())

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

        The same as :meth:`fit_generator` followed by :meth:`fit_classifier`,
        to the bit. One Ctrl-C stops the fit within one batch, in any stage:
        ``fit`` re-raises ``KeyboardInterrupt``. A diverged loss raises
        :class:`~skzsl.exceptions.TrainingDivergedError`. After any failure the
        estimator is left as it was before the call.

%(method_fit)s
        """
        data = self._prepare(X, y)
        return self._fit_classifier(self._fit_generator(data), data)

    @_fit_context(prefer_skip_nested_validation=True)
    def build_generator_net(self, X, y):
        """Stage 1's skorch net for the training data ``(X, y)``, as ``fit`` builds it, untrained.

        Runs what ``fit`` does before training: validates ``X``, ``y`` and the
        class table, sets the class bookkeeping, ``backbone_``, ``device_`` and
        the feature scaling ``scaler_`` (with ``early_stopping``, holds out the
        validation fold and gives the net its early-stopping callbacks; with
        f-CLSWGAN's ``L_CLS``, trains ``pretrained_net_``), then builds the net
        under the seed of ``random_state``: its initial weights are ``fit``'s.

        The net is not initialised, as a skorch net just made: its module,
        ``net.module``, holds the initial weights. Change its parameters or
        callbacks with ``set_params`` (callbacks given there reach this net
        alone, the estimator's ``callbacks`` every net), call
        ``net.initialize()`` to reach ``net.module_`` and ``load_params``, and
        train it with :meth:`fit_generator`, which goes on with the random
        stream where building left it: building then training an unchanged net
        is ``fit_generator(X, y)`` to the bit.

%(method_fit_X_y)s

        Returns
        -------
        net : skorch.NeuralNet
            The stage-1 net (a ``GenerativeNet``), not trained: its module
            holds the backbone's networks, the method's and, with ``L_CLS``,
            the frozen pretrained classifier. Its ``forward`` maps scaled
            features to the final classifier's input
            (:meth:`classifier_input` of scaled features).

        See Also
        --------
        fit_generator : Train the net.
        fit_classifier : Train the final classifier from the trained net.

        Examples
        --------
        Start the generator from the weights another fit reached:

%(method_generative_example)s
        >>> warm = clf.build_generator_net(X, y)
        >>> trained = clf.fit(X, y).generator_net_.module_
        >>> warm.module.load_state_dict(trained.state_dict())
        <All keys matched successfully>
        >>> clf.fit_generator(X, y, generator_net=warm).fit_classifier(X, y).generator_net_ is warm
        True
        """
        return self._generator_net(self._prepare(X, y))

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_generator(self, X, y, generator_net=None):
        """Train stage 1 on ``(X, y)`` as ``fit`` does, and stop there.

        Sets ``generator_net_`` and ``generator_`` (with ``early_stopping``,
        ``best_epoch_``; with ``L_CLS``, ``pretrained_net_``) but no final
        classifier: :meth:`fit_classifier` trains it next, as ``fit`` does.
        Training goes through skorch's ``partial_fit``: an initialised net
        keeps the weights and optimizer state loaded into it.

%(method_fit_X_y)s
        generator_net : skorch.NeuralNet, default=None
            The stage-1 net to train, as :meth:`build_generator_net` returned
            it for the same ``X`` and ``y`` (weights loaded, callbacks or
            sampler changed with ``set_params``...); it becomes
            ``generator_net_``. The features reach it in the dtype of its
            parameters: float32, or float64 after ``net.module.double()``.
            ``None`` builds a new one, as ``fit``.

        Returns
        -------
        self : object
            The estimator with a trained generator and no classifier yet.

        See Also
        --------
        build_generator_net : The untrained stage-1 net.
        fit_classifier : The stages that follow.

        Examples
        --------
        Train the generator, look at it, then train the final classifier:

%(method_generative_example)s
        >>> clf.fit_generator(X, y).generator_net_.history[-1, "epoch"]
        2
        >>> hasattr(clf, "classifier_net_")
        False
        >>> clf.fit_classifier(X, y).predict(data.X_test_unseen[:3]).shape
        (3,)
        """
        pretrained = getattr(self, "pretrained_net_", None)
        data = self._prepare(X, y)
        self._fit_generator(data, self._check_generator_net(generator_net), pretrained)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_classifier(self, X, y, generator_net=None):
        """Train the final classifier from a trained stage-1 net, as ``fit`` does after stage 1.

        Runs stages 2 to 4 of ``fit`` on ``(X, y)``: the same first steps
        (with ``early_stopping`` the validation fold is held out again), then
        ``n_synthetic_per_class`` features per unseen class (and
        ``n_synthetic_seen_per_class`` per seen class) from the generator of
        the net, the classifier's input of real and synthetic features, and
        the softmax classifier ``classifier_net_``, seeded as ``fit`` seeds
        it. After :meth:`fit_generator` on the same data the estimator is
        ``fit(X, y)``'s to the bit. The generator is read in float32, as
        ``fit`` reads it; both nets then run inference in float64.

%(method_fit_X_y)s
        generator_net : skorch.NeuralNet, default=None
            A trained stage-1 net for the same class table and ``X`` (from
            :meth:`fit_generator`, or the ``generator_net_`` of another fit,
            its weights changed...). The estimator keeps it, not a copy, as
            ``generator_net_``. ``None`` reuses this estimator's
            ``generator_net_``: change the classifier's parameters or
            ``n_synthetic_per_class`` with ``set_params`` and train the
            classifier again, without the generator.

        Returns
        -------
        self : object
            The fitted estimator.

        See Also
        --------
        fit_generator : Stage 1.
        build_classifier_net : The final classifier's net, untrained.

        Examples
        --------
        Keep the generator of one fit and train the classifier on more
        synthetic features:

%(method_generative_example)s
        >>> before = clf.fit(X, y).generator_net_
        >>> clf.set_params(n_synthetic_per_class=50).fit_classifier(X, y).generator_net_ is before
        True
        """
        if generator_net is None:
            check_is_fitted(self, "generator_net_", msg=(
                "This %(name)s has no trained generator: call fit or fit_generator first, or "
                "pass a trained stage-1 net as generator_net."))
            net = self.generator_net_
        else:
            net = self._check_generator_net(generator_net, trained=True)
        pretrained = getattr(self, "pretrained_net_", None)
        data = self._prepare(X, y)
        self._attach_generator(net, pretrained)
        return self._fit_classifier(net, data)

    def build_classifier_net(self, n_features, n_classes):
        """The final classifier's skorch net, as ``fit`` builds it, untrained.

        A linear softmax layer over ``n_classes`` classes, weights drawn
        N(0, 0.02) from torch's global generator (``fit`` draws them under the
        seed of ``random_state``), trained with Adam (beta1 0.5) at
        ``classifier_lr``, ``classifier_max_epochs`` epochs of full batches of
        ``classifier_batch_size`` rows (the last one wraps around), with the
        estimator's ``callbacks`` and ``verbose``. ``net.fit(features,
        target)`` takes float32 features and int64 class positions;
        ``net.forward(features)`` returns the logits. For a classifier of one's
        own on the classifier's input (:meth:`classifier_input`): the reference
        codes' ZSL evaluation, for instance, trains one over the unseen classes
        alone.

        Parameters
        ----------
        n_features : int
            Size of the classifier's input.
        n_classes : int
            Number of classes it scores.

        Returns
        -------
        net : skorch.NeuralNet
            Not initialised (``net.module`` holds the layer).

        Examples
        --------
        The reference codes' ZSL evaluation: a softmax over the unseen classes
        alone, trained on synthetic features of them:

        >>> import numpy as np
%(method_generative_example)s
        >>> unseen = clf.fit(X, y).unseen_classes_
        >>> X_syn = clf.classifier_input(clf.generator_.sample(unseen, 20, random_state=0))
        >>> zsl = clf.build_classifier_net(X_syn.shape[1], len(unseen))
        >>> zsl = zsl.fit(X_syn.astype(np.float32), np.repeat(np.arange(len(unseen)), 20))
        >>> test = clf.classifier_input(data.X_test_unseen).astype(np.float32)
        >>> predicted = unseen[zsl.forward(test).argmax(1).numpy()]
        >>> predicted.shape == data.y_test_unseen.shape
        True
        """
        check_scalar(n_features, "n_features", Integral, min_val=1)
        check_scalar(n_classes, "n_classes", Integral, min_val=1)
        return self._classifier_net(n_features, n_classes)

    def __sklearn_is_fitted__(self):
        # fit_generator alone trains no classifier: the estimator cannot predict yet
        return hasattr(self, "classifier_net_")

    def _prepare(self, X, y):
        """``fit``'s first steps on ``(X, y)``: validation, class bookkeeping, backbone,
        device, seed, early stopping's hold-out and the feature scaling."""
        X, y_idx = self._setup_gzsl(X, y)
        self.backbone_ = check_backbone(self.backbone)
        self.device_ = resolve_device(self.device)
        seed = seed_from_random_state(self.random_state)
        X_val = y_val = None
        if self.early_stopping is not False:
            X, y_idx, X_val, y_val = hold_out_validation_classes(self, X, y_idx)
        scaling = self.backbone_.feature_scaling == "minmax"
        self.scaler_ = MinMaxScaler().fit(X) if scaling else None
        X_scaled = self._scale(X).astype(np.float32)
        if self.scaler_ is not None:
            # rounding can leave the maximum of float32 input at 1 + 1e-7, outside the [0, 1]
            # that the reconstruction's binary cross-entropy accepts
            np.clip(X_scaled, 0, 1, out=X_scaled)
        if X_val is not None:
            X_val = self._scale(X_val).astype(np.float32)
        return _TrainingData(X_scaled, y_idx.astype(np.int64), seed, X_val, y_val)

    def _check_generator_net(self, net, trained=False):
        if net is None:
            return None
        if not isinstance(net, GenerativeNet):
            raise TypeError(f"generator_net must be a stage-1 net (from build_generator_net, or "
                            f"a fitted estimator's generator_net_); got {type(net).__name__}.")
        if trained and not net.initialized_:
            raise ValueError("generator_net is not trained: train it with fit_generator first.")
        return net

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

    def _generator_net(self, data):
        """Stage 1's net, built under the seed; it keeps where the random stream stood."""
        with seeded(data.seed, self.device_):
            net = self._build_generator_net(data)
            # fit_generator resumes from here: fit's random stream, unbroken
            net.resume_rng_ = rng_state(self.device_)
        return net

    def _build_generator_net(self, data):
        """The backbone's networks, the method's, f-CLSWGAN's classifier, early stopping."""
        backbone, n_features = self.backbone_, data.X.shape[1]
        pretrained = {}
        if backbone.settings()["classification_weight"]:
            # L_CLS reads a classifier pretrained on the real seen features, then frozen
            self.pretrained_net_ = self._train_classifier(
                data.X, self._seen_position()[data.y], len(self.seen_classes_),
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
        net = estimator_net(
            self, self._net_class, bundle, batch_size=backbone.batch_size, lr=backbone.lr,
            desc=f"{type(self).__name__} generator", optimizer=ADAM_GAN,
            optimizer__param_groups=[*backbone.param_groups(), *self._method_param_groups()],
            optimizer_groups={**backbone.optimizer_groups(), **groups},
            iterator_train=sampler_loader, iterator_train__make_sampler=sampler,
            predict_batch_size=_PREDICT_BATCH, backbone=backbone,
            weights=self._loss_weights())
        if data.X_val is not None:
            # validation H of the final classifier trained on this epoch's synthetic features
            score = partial(self._validation_scores, data=data)
            net.callbacks = [*net.callbacks, *early_stopping_callbacks(self, score, data.y_val)]
        return net

    def _fit_generator(self, data, net=None, pretrained=None):
        """Stage 1: train ``net`` (a new one when ``None``) on the random stream of ``fit``."""
        if net is None:
            net = self._generator_net(data)
            pretrained = getattr(self, "pretrained_net_", None)
        state = vars(net).pop("resume_rng_", None)
        stream = (seeded(data.seed, self.device_) if state is None
                  else resumed(state, self.device_))
        module = net.module_ if net.initialized_ else net.module
        dtype = str(next(module.parameters()).dtype).removeprefix("torch.")
        with stream:
            fit_stage(self, net, data.X.astype(dtype, copy=False), data.y)
        self._attach_generator(net, pretrained)
        return net

    def _attach_generator(self, net, pretrained=None):
        """``generator_net_``, ``generator_`` and what goes with the net: the pretrained
        classifier it reads, the epoch early stopping kept."""
        if net.module_.class_semantics.shape[0] != len(self.classes_):
            raise ValueError(
                f"generator_net was built for a class table of "
                f"{net.module_.class_semantics.shape[0]} classes; this estimator's has "
                f"{len(self.classes_)}.")
        self.generator_net_ = net
        self.generator_ = FeatureGenerator(net, self.class_attributes_, self.scaler_)
        if pretrained is not None and getattr(
                net.module_, "pretrained_classifier", None) is pretrained.module_:
            self.pretrained_net_ = pretrained
        stopper = dict(net.callbacks_).get("early_stopping")
        if stopper is not None:
            self.best_epoch_ = stopper.best_epoch_

    def _fit_classifier(self, net, data):
        """Stages 2 to 4 with the generator of ``net``; float64 inference after."""
        module = net.module_
        dtype = next(module.parameters()).dtype
        # stage 2 reads the generator in float32, as fit trains it: exact for such a net
        module.float()
        try:
            self.classifier_net_ = self._final_classifier(net, data.X, data.y, data.seed)
        except BaseException:
            module.to(dtype)
            raise
        # float64 inference: predictions must not depend on how samples are batched
        module.double().eval()
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

    def _validation_scores(self, net, data):
        clf = self._final_classifier(net, data.X, data.y, data.seed, verbose=0)
        return gather(clf.forward_iter(self._classifier_input(data.X_val, net)))

    def _classifier_net(self, n_features, n_classes, desc="classifier", verbose=None):
        """The softmax classifier's net; the validation classifiers of early stopping
        (``verbose=0``) train inside a generator epoch, so they get copies of the user's
        callbacks."""
        module = init_normal_(SoftmaxClassifier(n_features, n_classes))
        return build_net(ClassifierNet, module, max_epochs=self.classifier_max_epochs,
                         batch_size=self.classifier_batch_size, lr=self.classifier_lr,
                         device=getattr(self, "device_", None) or resolve_device(self.device),
                         desc=desc, verbose=self.verbose if verbose is None else verbose,
                         callbacks=self.callbacks, copy_callbacks=verbose == 0,
                         optimizer=ADAM_GAN, predict_batch_size=_PREDICT_BATCH,
                         iterator_train=sampler_loader,
                         iterator_train__make_sampler=FullBatchSampler)

    def _train_classifier(self, features, target, n_classes, desc, verbose=None):
        """Fit a linear softmax classifier net on numpy arrays (a stage of ``fit``)."""
        net = self._classifier_net(features.shape[1], n_classes, desc, verbose)
        return fit_stage(self, net, features.astype(np.float32, copy=False),
                         target.astype(np.int64, copy=False))

    def _scale(self, X):
        return X if self.scaler_ is None else self.scaler_.transform(X)

    def _seen_position(self):
        """Column of each class among the seen classes (-1 for unseen classes)."""
        return np.where(self._seen_mask, np.cumsum(self._seen_mask) - 1, -1)

    def _classifier_input(self, X, net=None):
        """Scaled features -> what the final classifier reads, through the stage-1 net."""
        return (self.generator_net_ if net is None else net).classifier_input(X)

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
