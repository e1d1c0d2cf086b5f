"""MSDN and MSDN++: mutual attention sub-nets over image regions and attributes."""

from functools import partial
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from .._early_stopping import early_stopping_callbacks, hold_out_validation_classes
from .._neural import BaseNeuralGZSLClassifier
from .._training import MultiOptimizerNet, fit_estimator_net, gather
from ..nn.attention import COUNTERFACTUALS, MutualAttentionNetwork
from ..nn.attention_losses import (
    attribute_cross_entropy,
    attribute_regression_loss,
    calibration_margin,
    causal_effect_loss,
    mutual_distillation_loss,
    self_calibration_loss,
)
from ..utils._docstring import fill_doc
from ._presets import msdn_preset

__all__ = ["MSDNClassifier", "MSDNPlusPlusClassifier"]


_FRAGMENTS = {
    # the toy region features of the Examples
    "attention_example_data": """
    >>> import numpy as np
    >>> rng = np.random.RandomState(0)
    >>> table = {"a": [1, 0, 0], "b": [0, 1, 0], "c": [0, 0, 1], "d": [1, 1, 0]}
    >>> X = rng.rand(30, 4, 8).astype(np.float32)      # 30 images, 4 regions, 8 features
    >>> y = np.array(["a", "b", "c"] * 10)
""",
    "attention_attributes": """
    attribute_embeddings_ : ndarray of shape (n_attributes, embedding_dim)
        The initial attribute vectors used.
    n_regions_ : int
        Regions per sample (1 for 2-D input).
    region_dim_ : int
        Feature dimension of a region.
    device_ : str
        The resolved torch device.
    n_epochs_ : int
        Epochs completed (``max_epochs`` unless a Ctrl-C or early stopping
        ended the fit).
    best_epoch_ : int
        With ``early_stopping``: the epoch whose weights were kept.
    n_features_in_ : int
        ``X.shape[1]`` in fit (regions for 3-D input, channels for 4-D).
""",
    "training": """
    max_epochs : int, default=30
        Training epochs.
    batch_size : int, default=50
        Mini-batch size (also used at prediction).
    class_balanced : bool, default=False
        Draw each training batch from ``min(n_seen, batch_size)`` distinct
        seen classes, ``max(batch_size // n_seen, 1)`` samples of each (drawn
        with replacement), as the official AWA2 and SUN scripts do (their
        presets turn it on), instead of shuffling the samples. An epoch keeps
        ``max(n_samples // batch_size, 1)`` steps.
    lr : float, default=1e-4
        RMSprop learning rate.
    weight_decay : float, default=1e-4
        RMSprop weight decay.
    momentum : float, default=0.9
        RMSprop momentum.
    mixed_precision : bool, default=True
        bfloat16 autocast on CUDA (ignored on CPU).
""",
}


class _MutualAttentionNet(MultiOptimizerNet):
    """Trains both sub-nets with one optimizer on the weighted sum of the MSDN(++) losses.

    The recorded losses are the weighted terms, so that they add up to the
    total (skorch's ``train_loss``).
    """

    loss_names = ("loss_ce", "loss_calibration", "loss_distillation", "loss_effect",
                  "loss_regression")

    def __init__(self, module, *args, unseen_mask=None, calibration_margin=1.0, weights=None,
                 **kwargs):
        super().__init__(module, *args, **kwargs)
        self.unseen_mask = unseen_mask
        self.calibration_margin = calibration_margin
        # the terms' weights by name (calibration, distillation, causal, regression), as the
        # generative nets take theirs; a missing one is 0
        self.weights = weights

    def compute_step(self, X, y):
        with self.autocast():
            out = self.module_(X)
        out = {name: scores.float() for name, scores in out.items()}
        unseen = torch.as_tensor(self.unseen_mask, device=out["av"].device)
        margin = calibration_margin(unseen, self.calibration_margin)
        factual = (out["av"], out["va"])
        w = {"calibration": 0.0, "distillation": 0.0, "causal": 0.0, "regression": 0.0,
             **(self.weights or {})}
        losses = {"loss_ce": sum(attribute_cross_entropy(s, y) for s in factual)}
        if w["calibration"] and unseen.any():
            losses["loss_calibration"] = w["calibration"] * sum(
                self_calibration_loss(s + margin, unseen) for s in factual)
        if w["distillation"]:
            losses["loss_distillation"] = w["distillation"] * mutual_distillation_loss(
                out["av"] + margin, out["va"] + margin)
        if w["causal"] and "av_effect" in out:
            losses["loss_effect"] = w["causal"] * sum(
                causal_effect_loss(out[name], y) for name in ("av_effect", "va_effect"))
        if w["regression"]:
            # the same row-normalised table that turns attribute scores into class scores
            table = self.module_.embeddings.class_table
            losses["loss_regression"] = w["regression"] * sum(
                attribute_regression_loss(out[name], table, y)
                for name in ("av_attributes", "va_attributes"))
        self.update("all", losses)
        return losses


@fill_doc(**_FRAGMENTS)
class MSDNClassifier(BaseNeuralGZSLClassifier):
    """Mutually semantic distillation network (MSDN, Chen et al., CVPR 2022).

    Two attention sub-nets read the region features of an image and the word
    vectors of the attributes. The attribute->visual sub-net gives each
    attribute a spatial attention map over regions (attribute-based visual
    features); the visual->attribute sub-net gives each region a distribution
    over attributes (visual-based attribute features). Each scores every
    attribute, and a class scores the dot product of those attribute scores
    with its (L2-normalised) attribute vector, so unseen classes are scored
    through their semantics. The sub-nets are trained together on

    .. math::

        \\sum_{n \\in \\{AV, VA\\}} \\big( L_{CE}^n + \\lambda_{cal} L_{cal}^n
        + \\lambda_{AR} L_{AR}^n \\big) + \\lambda_{d} L_{distill}(s^{AV}, s^{VA})

    (cross-entropy over all classes, self-calibration towards unseen classes,
    the semantic distillation loss through which the sub-nets teach each
    other and, off by default, an attribute regression of each sub-net's
    attribute scores on the class's attributes), and predict with the fused
    scores
    ``fusion_weight * s_AV + (1 - fusion_weight) * s_VA``.

    Parameters
    ----------
%(class_attributes)s
    attribute_embeddings : array-like of shape (n_attributes, embedding_dim), default=None
        A vector per attribute (e.g. word vectors of the attribute names).
        ``None`` takes those of a ``ClassAttributes`` table, else one-hot
        attribute identities.
    calibration_weight : float, default=0.1
        :math:`\\lambda_{cal}`, weight of the self-calibration loss (ignored
        when every class of the table is seen).
    distillation_weight : float, default=1e-3
        :math:`\\lambda_{d}`, weight of the semantic distillation loss; 0 turns
        the mutual distillation off.
    regression_weight : float, default=0.0
        :math:`\\lambda_{AR}`, weight of the attribute regression loss
        (:func:`~skzsl.nn.attention_losses.attribute_regression_loss`, the
        mean squared error between each sub-net's per-image attribute scores
        and the normalised attribute vector of the image's class, from
        TransZero). Not part of MSDN: an extension, off by default and in the
        presets; it can help when few seen classes leave the attribute
        scores under-determined.
    fusion_weight : float, default=0.9
        Weight of the attribute->visual sub-net in the fused prediction scores.
    calibration_margin : float, default=1.0
        Margin added in training to unseen (+) and seen (-) class scores inside
        the self-calibration and distillation losses, as in the official code.
        It is not applied at prediction: ``seen_bias`` plays that role.
    trainable_embeddings : bool, default=True
        Fine-tune the attribute vectors.
    normalize_embeddings : bool, default=False
        Re-normalise the attribute vectors at every step (official AWA2 setting).
    normalize_features : bool, default=True
        L2-normalise the feature vector of every region.
    position_embedding : bool, default=False
        Add a learned position vector per region to the (normalised) region
        features before both sub-nets (ViT-style, zero at start). Turn it on
        for region features that carry no position of their own (small pixel
        patches); CNN feature maps (ResNet-101) already encode position, and
        the official MSDN has none.
%(training)s
%(early_stopping)s
    seen_bias : float, default=0.0
        Calibrated stacking: subtracted from the scores of seen classes at
        prediction time. The official code's built-in margin (+1 unseen, -1
        seen) equals ``seen_bias=2.0``; choose it on validation classes.
%(candidates)s
%(callbacks)s
%(device)s
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and the batches.
%(verbose)s

    Attributes
    ----------
%(gzsl_attributes)s
    net_ : skorch.NeuralNet
        The trained net; ``net_.history`` records every loss per batch and epoch
        (``loss_ce``, ``loss_calibration``, ``loss_distillation``,
        ``loss_regression``, weighted; ``train_loss`` is their sum, the
        objective optimised).
%(attention_attributes)s

    See Also
    --------
    MSDNPlusPlusClassifier : MSDN with causal attention.
    msdn_preset : The official per-dataset hyperparameters.

    Notes
    -----
    ``X`` is ``(n_samples, n_regions, n_features)`` (e.g. a ResNet-101 7x7 map
    flattened to 49 regions of 2048 features), or ``(n_samples, n_features, H,
    W)`` channel-first maps, or ``(n_samples, n_features)``, read as a single
    region. Pass float32 to avoid a copy. Hyperparameters of the paper per
    dataset: :meth:`from_preset`. The official scripts pick their best epoch on
    the test set; skzsl trains for ``max_epochs`` and leaves every choice to
    validation classes.

    References
    ----------
    .. [1] S. Chen, Z. Hong, G.-S. Xie, W. Yang, Q. Peng, K. Wang, J. Zhao and
       X. You, "MSDN: Mutually Semantic Distillation Network for Zero-Shot
       Learning", CVPR 2022.

    Examples
    --------
%(attention_example_data)s
    >>> from skzsl.attention import MSDNClassifier
    >>> clf = MSDNClassifier(class_attributes=table, max_epochs=2, lr=1e-3,
    ...                      random_state=0, verbose=0).fit(X, y)
    >>> clf.predict(X[:2]).shape, clf.unseen_classes_
    ((2,), array(['d'], dtype='<U1'))
    """

    _sample_ndim = 2

    _parameter_constraints: dict = {
        **BaseNeuralGZSLClassifier._parameter_constraints,
        "attribute_embeddings": ["array-like", None],
        "calibration_weight": [Interval(Real, 0, None, closed="left")],
        "distillation_weight": [Interval(Real, 0, None, closed="left")],
        "regression_weight": [Interval(Real, 0, None, closed="left")],
        "fusion_weight": [Interval(Real, 0, 1, closed="both")],
        "calibration_margin": [Real],
        "trainable_embeddings": ["boolean"],
        "normalize_embeddings": ["boolean"],
        "normalize_features": ["boolean"],
        "position_embedding": ["boolean"],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "class_balanced": ["boolean"],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "mixed_precision": ["boolean"],
    }

    def __init__(self, class_attributes=None, *, attribute_embeddings=None,
                 calibration_weight=0.1, distillation_weight=1e-3, regression_weight=0.0,
                 fusion_weight=0.9, calibration_margin=1.0, trainable_embeddings=True,
                 normalize_embeddings=False, normalize_features=True,
                 position_embedding=False, max_epochs=30,
                 batch_size=50, class_balanced=False, lr=1e-4, weight_decay=1e-4, momentum=0.9,
                 mixed_precision=True, early_stopping=False, validation_every=1, patience=5,
                 seen_bias=0.0, candidates="all", callbacks=None, device="auto",
                 random_state=None, verbose=1):
        self._store_parameters(locals())

    @classmethod
    def from_preset(cls, dataset, **params):
        """An estimator with the official hyperparameters of ``dataset``.

        Parameters
        ----------
        dataset : {"CUB", "AWA2", "SUN"}
            Whose training script to follow (see :func:`msdn_preset`).
        **params
            Other constructor parameters (``class_attributes``,
            ``attribute_embeddings``, ...); they override the preset.

        Returns
        -------
        estimator : MSDNClassifier
            Unfitted.

        Examples
        --------
        >>> from skzsl.attention import MSDNClassifier
        >>> MSDNClassifier.from_preset("SUN", verbose=0).fusion_weight
        0.7
        """
        return cls(**{**msdn_preset(dataset), **params})

    def _validate_X(self, X, *, reset, y=None, **check_params):
        kwargs = dict(allow_nd=True, dtype=[np.float32, np.float64], **check_params)
        if reset:
            X, y = validate_data(self, X, y, reset=True, **kwargs)
            self.n_regions_, self.region_dim_ = _as_regions(X, type(self).__name__).shape[1:]
        else:
            # regions first: scikit-learn's own check would call regions "features"
            # (it stays for flat input fitted on flat input, where it is right)
            flat = check_array(X, **kwargs)
            if flat.ndim > 2 or self.n_regions_ > 1:
                self._check_regions(flat)
            X = validate_data(self, X, reset=False, **kwargs)
        regions = _as_regions(X, type(self).__name__)
        return (regions, y) if reset else regions

    def _check_regions(self, X):
        shape = _as_regions(X, type(self).__name__).shape[1:]
        if shape != (self.n_regions_, self.region_dim_):
            raise ValueError(
                f"X has {shape[0]} regions of {shape[1]} features each, but "
                f"{type(self).__name__} was fitted on {self.n_regions_} regions of "
                f"{self.region_dim_} features each; pass region features shaped as in fit."
            )

    def _attribute_vectors(self):
        table = self.class_attributes_
        if table.attribute_embeddings is not None:
            return np.asarray(table.attribute_embeddings, dtype=np.float32)
        return np.eye(table.n_attributes, dtype=np.float32)

    def _loss_weights(self):
        return {"calibration": self.calibration_weight,
                "distillation": self.distillation_weight,
                "regression": self.regression_weight}

    def _module_options(self):
        return {"causal": False}

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train both attention sub-nets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_regions, n_features), \
(n_samples, n_features, H, W) or (n_samples, n_features)
            Region features of seen-class samples.
%(method_fit_y)s
        """
        X, y_idx = self._setup_gzsl(X, y)
        callbacks = []
        if self.early_stopping is not False:
            X, y_idx, X_val, y_val = hold_out_validation_classes(self, X, y_idx)
            callbacks = early_stopping_callbacks(
                self, partial(self._scores_of, X=X_val), y_val)
        self.attribute_embeddings_ = self._attribute_vectors()
        make_module = partial(
            MutualAttentionNetwork, self.region_dim_, self.attribute_embeddings_,
            self.class_attributes_.matrix, trainable_embeddings=self.trainable_embeddings,
            normalize_embeddings=self.normalize_embeddings,
            normalize_features=self.normalize_features, n_regions=self.n_regions_,
            position_embedding=self.position_embedding, **self._module_options())
        fit_estimator_net(
            self, _MutualAttentionNet, make_module, X, y_idx.astype(np.int64),
            class_balanced=self.class_balanced,
            optimizer=torch.optim.RMSprop, optimizer__weight_decay=self.weight_decay,
            optimizer__momentum=self.momentum, mixed_precision=self.mixed_precision,
            unseen_mask=~self._seen_mask, calibration_margin=self.calibration_margin,
            internal_callbacks=callbacks, weights=self._loss_weights())
        if callbacks:
            self.best_epoch_ = dict(self.net_.callbacks_)["early_stopping"].best_epoch_
        return self

    def _fused_scores(self, module, regions):
        out = module(regions)
        return (self.fusion_weight * out["av"] + (1 - self.fusion_weight) * out["va"]).float()

    def _scores_of(self, net, X):
        if X.shape[0] == 0:
            return np.empty((0, len(self.classes_)))
        return gather(net.forward_iter(X, method=self._fused_scores))

    def _decision_scores(self, X):
        return self._scores_of(self.net_, X)

    def attention_maps(self, X):
        """Where each attribute looks, and what each region shows.

%(method_X_as_in_fit)s

        Returns
        -------
        maps : dict of str to ndarray of shape (n_samples, n_regions, n_attributes)
            ``"attribute_to_visual"`` sums to one over regions (the spatial map
            of each attribute); ``"visual_to_attribute"`` sums to one over
            attributes (the attribute distribution of each region).
        """
        check_is_fitted(self)
        X = self._validate_X(X, reset=False)
        maps = gather(self.net_.forward_iter(X, method=_attention_maps), dtype=np.float32)
        return {"attribute_to_visual": maps["av"], "visual_to_attribute": maps["va"]}


@fill_doc(**_FRAGMENTS)
class MSDNPlusPlusClassifier(MSDNClassifier):
    """Mutually causal semantic distillation network (MSDN++, Chen et al., 2026).

    MSDN (:class:`MSDNClassifier`, same sub-nets and losses) with causal
    attention: in training each sub-net's attention is also replaced by a
    counterfactual one (the intervention ``do(A = Ā)``), and the *effect* of
    the learned attention, factual minus counterfactual class scores, is
    trained with a cross-entropy, so that the attention itself, not the
    features it happens to average, must explain the class:

    .. math::

        L = L_{MSDN} + \\lambda_{eff} \\sum_{n \\in \\{AV, VA\\}}
            CE\\big(s^n(A) - s^n(\\bar A), y\\big)

    Prediction uses the factual scores, as in counterfactual attention
    learning. The exact loss of the MSDN++ paper is not public as code; this
    follows counterfactual attention learning (Rao et al., ICCV 2021), see
    ``docs/attention_notes.md``.

    Parameters
    ----------
%(class_attributes)s
    attribute_embeddings : array-like of shape (n_attributes, embedding_dim), default=None
        A vector per attribute; ``None``: from the table, else one-hot.
    calibration_weight : float, default=0.1
        Weight of the self-calibration loss.
    distillation_weight : float, default=1e-3
        Weight of the semantic distillation loss.
    regression_weight : float, default=0.0
        Weight of the attribute regression loss (an extension, see
        :class:`MSDNClassifier`).
    fusion_weight : float, default=0.9
        Weight of the attribute->visual sub-net in the fused scores.
    calibration_margin : float, default=1.0
        Training margin inside the calibration and distillation losses.
    trainable_embeddings : bool, default=True
        Fine-tune the attribute vectors.
    normalize_embeddings : bool, default=False
        Re-normalise the attribute vectors at every step.
    normalize_features : bool, default=True
        L2-normalise the feature vector of every region.
    position_embedding : bool, default=False
        Add a learned position vector per region before both sub-nets.
    causal_weight : float, default=1.0
        :math:`\\lambda_{eff}`, weight of the causal effect loss; 0 gives MSDN.
    counterfactual : {"random", "uniform", "shuffle"}, default="random"
        The counterfactual attention: random weights, uniform attention, or the
        maps of other samples of the batch.
%(training)s
%(early_stopping)s
    seen_bias : float, default=0.0
        Calibrated stacking at prediction (the official margin is 2.0).
%(candidates)s
%(callbacks)s
%(device)s
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, the batches and the counterfactual draws.
%(verbose)s

    Attributes
    ----------
%(gzsl_attributes)s
    net_ : skorch.NeuralNet
        The trained net; its history also records ``loss_effect``.
%(attention_attributes)s

    See Also
    --------
    MSDNClassifier : The same network without causal attention.

    References
    ----------
    .. [1] S. Chen, S. Chen, G.-S. Xie and X. You, "Mutually Causal Semantic
       Distillation Network for Zero-Shot Learning", arXiv:2603.17412, 2026.
    .. [2] Y. Rao, G. Chen, J. Lu and J. Zhou, "Counterfactual Attention
       Learning for Fine-Grained Visual Categorization and Re-identification",
       ICCV 2021.

    Examples
    --------
    Trained as MSDN, with the loss of the counterfactual attention's effect:

%(attention_example_data)s
    >>> from skzsl.attention import MSDNPlusPlusClassifier
    >>> clf = MSDNPlusPlusClassifier(class_attributes=table, max_epochs=2, lr=1e-3,
    ...                              random_state=0, verbose=0).fit(X, y)
    >>> bool(clf.net_.history[-1, "loss_effect"] > 0)
    True
    """

    _parameter_constraints: dict = {
        **MSDNClassifier._parameter_constraints,
        "causal_weight": [Interval(Real, 0, None, closed="left")],
        "counterfactual": [StrOptions(set(COUNTERFACTUALS))],
    }

    def __init__(self, class_attributes=None, *, attribute_embeddings=None,
                 calibration_weight=0.1, distillation_weight=1e-3, regression_weight=0.0,
                 fusion_weight=0.9, calibration_margin=1.0, trainable_embeddings=True,
                 normalize_embeddings=False, normalize_features=True,
                 position_embedding=False, causal_weight=1.0, counterfactual="random",
                 max_epochs=30, batch_size=50, class_balanced=False, lr=1e-4,
                 weight_decay=1e-4, momentum=0.9, mixed_precision=True, early_stopping=False,
                 validation_every=1, patience=5, seen_bias=0.0, candidates="all",
                 callbacks=None, device="auto", random_state=None, verbose=1):
        super().__init__(
            class_attributes, attribute_embeddings=attribute_embeddings,
            calibration_weight=calibration_weight, distillation_weight=distillation_weight,
            regression_weight=regression_weight, fusion_weight=fusion_weight,
            calibration_margin=calibration_margin,
            trainable_embeddings=trainable_embeddings, normalize_embeddings=normalize_embeddings,
            normalize_features=normalize_features, position_embedding=position_embedding,
            max_epochs=max_epochs, batch_size=batch_size, class_balanced=class_balanced,
            lr=lr, weight_decay=weight_decay, momentum=momentum, mixed_precision=mixed_precision,
            early_stopping=early_stopping, validation_every=validation_every, patience=patience,
            seen_bias=seen_bias, candidates=candidates, callbacks=callbacks, device=device,
            random_state=random_state, verbose=verbose)
        self.causal_weight = causal_weight
        self.counterfactual = counterfactual

    def _loss_weights(self):
        return {**super()._loss_weights(), "causal": self.causal_weight}

    def _module_options(self):
        # causal_weight=0 skips the counterfactual pass (and its random draws): plain MSDN
        return {"causal": self.causal_weight > 0, "counterfactual": self.counterfactual}


def _attention_maps(module, regions):
    return {name: maps.float() for name, maps in module.attention_maps(regions).items()}


def _as_regions(X, name):
    """View validated ``X`` as (n_samples, n_regions, n_features) without copying."""
    if X.ndim == 2:
        return X[:, None, :]
    if X.ndim == 3:
        return X
    if X.ndim == 4:
        n, f = X.shape[:2]
        return X.reshape(n, f, -1).transpose(0, 2, 1)
    raise ValueError(
        f"{name} expects X of shape (n_samples, n_regions, n_features), (n_samples, "
        f"n_features, H, W) or (n_samples, n_features); got an array of shape {X.shape}."
    )
