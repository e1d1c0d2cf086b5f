"""SDDN's feature modules as scikit-learn transformers, for use in a Pipeline."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from .._training import MultiOptimizerNet, NeuralEstimatorMixin, fit_estimator_net, gather
from ..base import AtomicFitMixin
from ..nn.generative import (
    DisentangledAutoencoder,
    ModuleBundle,
    RelationNet,
    SelfDistillationEmbedding,
    TCDiscriminator,
)
from ..nn.generative_terms import (
    disentanglement_terms,
    self_distillation_terms,
    tc_discriminator_loss,
)
from ..semantics import ClassAttributes, check_class_attributes
from ..utils._docstring import fill_doc
from ._backbones import ADAM_GAN

# rows per inference batch
_PREDICT_BATCH = 4096


class SelfDistillationNet(MultiOptimizerNet):
    """Trains :class:`SelfDistillationRefiner`'s embedding: student, self-teacher, distillation."""

    loss_names = ("loss_student", "loss_teacher", "loss_soft_label", "loss_feature_map")

    def __init__(self, *args, weights=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.weights = weights

    def compute_step(self, X, y):
        bundle = self.module_
        _, terms = self_distillation_terms(bundle.embedding, X, y, bundle.class_semantics,
                                           self.weights)
        self.update("embedding", terms)
        return terms


class DisentanglementNet(SelfDistillationNet):
    """Trains :class:`VisualSemanticDisentangler`: autoencoder and relation, then the TC critic."""

    loss_names = ("loss_reconstruction", "loss_relation", "loss_independence",
                  "loss_tc_discriminator")
    objective = "autoencoder"

    def compute_step(self, X, y):
        bundle = self.module_
        (h_sem, h_res), terms = disentanglement_terms(
            bundle.autoencoder, bundle.relation, bundle.tc_discriminator, X, y,
            bundle.class_semantics, self.weights)
        self.update("autoencoder", terms)
        if self.weights["independence"]:
            loss = tc_discriminator_loss(bundle.tc_discriminator, h_sem, h_res)
            self.update("discriminator", loss)
            terms["loss_tc_discriminator"] = loss
        return terms


_FRAGMENTS = {
    "transformer_class_attributes": """
    class_attributes : DataFrame, dict, ClassAttributes or None, default=None
        Class semantics indexed by class label, with a row for every training
        label. ``None`` uses one-hot semantics of the training labels.
""",
    "transformer_training": """
    max_epochs : int, default=30
        Training epochs.
    batch_size : int, default=64
        Batch size.
    lr : float, default=1e-3
        Adam learning rate (``betas=(0.5, 0.999)``).
%(callbacks)s
""",
    # the end of the Parameters section and the start of Attributes
    "device_verbose_and_table_attributes": """
%(device)s
%(verbose)s

    Attributes
    ----------
    class_attributes_ : ClassAttributes
        The validated class table.
    seen_classes_ : ndarray of shape (n_seen,)
        Labels seen in fit.
""",
    "transformer_fit_attributes": """
    n_epochs_ : int
        Epochs completed (``max_epochs`` unless a Ctrl-C stopped the fit).
    device_ : str
        The resolved torch device.
%(n_features_in)s
""",
}


@fill_doc
class _NeuralTransformer(AtomicFitMixin, NeuralEstimatorMixin, TransformerMixin, BaseEstimator):
    """Shared fit/transform of the transformers: validation, seeding, float64 inference.

    Subclasses define ``_net_class``, ``_groups``, ``_modules``,
    ``_loss_weights`` and ``_transform_batch(module, X)``, the output of
    ``transform`` on a batch, run through skorch's ``forward_iter``.
    """

    _parameter_constraints: dict = {
        "class_attributes": ["array-like", dict, ClassAttributes, None],
        "hidden_dim": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        **NeuralEstimatorMixin._parameter_constraints,
    }

    def __init__(self, class_attributes=None, *, hidden_dim=1024, max_epochs=30, batch_size=64,
                 lr=1e-3, callbacks=None, random_state=None, device="auto", verbose=1):
        self._store_parameters(locals())

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Train the module on seen-class features.

%(method_fit)s
        """
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        table = check_class_attributes(self.class_attributes, y)
        self.class_attributes_ = table
        self.seen_classes_ = np.unique(y)
        semantics = torch.as_tensor(table.rows(self.seen_classes_), dtype=torch.float32)
        position = torch.arange(self.seen_classes_.size)
        target = np.searchsorted(self.seen_classes_, y).astype(np.int64)

        def bundle():
            return ModuleBundle(semantics, position,
                                **self._modules(X.shape[1], table.n_attributes))

        fit_estimator_net(self, self._net_class, bundle, X.astype(np.float32), target,
                          optimizer=ADAM_GAN, optimizer_groups=self._groups,
                          predict_batch_size=_PREDICT_BATCH, weights=self._loss_weights())
        # float64 inference: the output must not depend on how samples are batched
        self.net_.module_.double().eval()
        return self

    def transform(self, X):
        """Map features through the trained module.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Features, seen or unseen classes.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_features_out)
            The transformed features.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64])
        if X.shape[0] == 0:
            return np.empty((0, self._n_features_out))
        return gather(self.net_.forward_iter(X, method=self._transform_batch))


@fill_doc(**_FRAGMENTS)
class SelfDistillationRefiner(ClassNamePrefixFeaturesOutMixin, _NeuralTransformer):
    """Refine visual features by self-distillation (SDDN's self-distillation embedding).

    A student network maps each feature to a refined feature and scores the
    seen classes through their semantics; an auxiliary self-teacher, built on
    the student's features, learns the same classes and distills its soft
    labels (``soft_label_weight``) and its features (``feature_map_weight``)
    back into the student. ``transform`` returns the student's refined
    features, for any class, seen or unseen.

    Parameters
    ----------
%(transformer_class_attributes)s
    embedding_dim : int, default=512
        Number of refined features.
    hidden_dim : int, default=1024
        Hidden width of student and self-teacher.
    soft_label_weight : float, default=1.0
        Weight of soft-label distillation; 0 switches it off.
    feature_map_weight : float, default=1.0
        Weight of feature distillation; 0 switches it off.
    temperature : float, default=4.0
        Softmax temperature of soft-label distillation.
%(transformer_training)s
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation and batch order.
%(device_verbose_and_table_attributes)s
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_.embedding`` is the
        :class:`~skzsl.nn.generative.SelfDistillationEmbedding` and
        ``net_.history`` records every loss per batch and epoch.
%(transformer_fit_attributes)s

    See Also
    --------
    SDDNClassifier : The full method, with the generator and disentanglement.
    VisualSemanticDisentangler : SDDN's other feature module.

    Examples
    --------
    The refined features in front of ESZSL:

%(example_eszsl)s
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import MinMaxScaler
    >>> from skzsl.generative import SelfDistillationRefiner
    >>> A = data.class_attributes
    >>> refiner = SelfDistillationRefiner(A, max_epochs=5, verbose=0, random_state=0)
    >>> pipe = make_pipeline(MinMaxScaler(), refiner, ESZSLClassifier(A))
    >>> pipe.fit(data.X_train, data.y_train).predict(data.X_test_unseen[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **_NeuralTransformer._parameter_constraints,
        "embedding_dim": [Interval(Integral, 1, None, closed="left")],
        "soft_label_weight": [Interval(Real, 0, None, closed="left")],
        "feature_map_weight": [Interval(Real, 0, None, closed="left")],
        "temperature": [Interval(Real, 0, None, closed="neither")],
    }
    _net_class = SelfDistillationNet
    _groups = {"embedding": ("embedding",)}

    def __init__(self, class_attributes=None, *, embedding_dim=512, hidden_dim=1024,
                 soft_label_weight=1.0, feature_map_weight=1.0, temperature=4.0, max_epochs=30,
                 batch_size=64, lr=1e-3, callbacks=None, random_state=None, device="auto",
                 verbose=1):
        self._store_parameters(locals())

    @property
    def _n_features_out(self):
        return self.embedding_dim

    def _modules(self, n_features, n_attributes):
        return {"embedding": SelfDistillationEmbedding(n_features, n_attributes,
                                                       self.hidden_dim, self.embedding_dim)}

    def _loss_weights(self):
        return {"soft_label": self.soft_label_weight, "feature_map": self.feature_map_weight,
                "temperature": self.temperature}

    def _transform_batch(self, module, X):
        return module.embedding.embed(X)


@fill_doc(**_FRAGMENTS)
class VisualSemanticDisentangler(_NeuralTransformer):
    """Split features into semantic-consistent and residual parts (SDDN's disentanglement).

    An autoencoder encodes each feature into two latents. A relation network
    matches the first with the semantics of its class (semantic relation
    matching, ``relation_weight``); a total-correlation discriminator makes
    the two independent (``independence_weight``); the decoder reconstructs
    the feature from both (``reconstruction_weight``). ``transform`` returns
    the semantic-consistent latent, or both latents with ``output="both"``.

    Parameters
    ----------
%(transformer_class_attributes)s
    semantic_dim : int, default=256
        Size of the semantic-consistent latent.
    residual_dim : int, default=256
        Size of the residual latent.
    hidden_dim : int, default=1024
        Hidden width of the decoder, relation network and discriminator.
    reconstruction_weight : float, default=1.0
        Weight of the reconstruction loss.
    relation_weight : float, default=1.0
        Weight of semantic relation matching.
    independence_weight : float, default=0.1
        Weight of the total-correlation loss; 0 also skips the discriminator.
    output : {"semantic", "both"}, default="semantic"
        Return the semantic-consistent latent, or it followed by the residual one.
%(transformer_training)s
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order and the discriminator's shuffles.
%(device_verbose_and_table_attributes)s
    net_ : skorch.NeuralNet
        The trained net; ``net_.module_`` holds the autoencoder, relation
        network and discriminator, ``net_.history`` every loss per batch and
        epoch (``train_loss`` is the autoencoder's objective,
        ``objective_discriminator`` the discriminator's).
%(transformer_fit_attributes)s

    See Also
    --------
    SDDNClassifier : The full method.
    SelfDistillationRefiner : SDDN's other feature module.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.generative import VisualSemanticDisentangler
    >>> data = make_zsl_classification(random_state=0)
    >>> dis = VisualSemanticDisentangler(data.class_attributes, semantic_dim=4, residual_dim=2,
    ...                                  output="both", max_epochs=3, verbose=0, random_state=0)
    >>> dis.fit(data.X_train, data.y_train).get_feature_names_out()
    array(['semantic0', 'semantic1', 'semantic2', 'semantic3', 'residual0',
           'residual1'], dtype=object)
    """

    _parameter_constraints: dict = {
        **_NeuralTransformer._parameter_constraints,
        "semantic_dim": [Interval(Integral, 1, None, closed="left")],
        "residual_dim": [Interval(Integral, 1, None, closed="left")],
        "reconstruction_weight": [Interval(Real, 0, None, closed="left")],
        "relation_weight": [Interval(Real, 0, None, closed="left")],
        "independence_weight": [Interval(Real, 0, None, closed="left")],
        "output": [StrOptions({"semantic", "both"})],
    }
    _net_class = DisentanglementNet
    _groups = {"autoencoder": ("autoencoder", "relation"),
               "discriminator": ("tc_discriminator",)}

    def __init__(self, class_attributes=None, *, semantic_dim=256, residual_dim=256,
                 hidden_dim=1024, reconstruction_weight=1.0, relation_weight=1.0,
                 independence_weight=0.1, output="semantic", max_epochs=30, batch_size=64,
                 lr=1e-3, callbacks=None, random_state=None, device="auto", verbose=1):
        self._store_parameters(locals())

    @property
    def _n_features_out(self):
        return self.semantic_dim + (self.residual_dim if self.output == "both" else 0)

    def _modules(self, n_features, n_attributes):
        hidden = self.hidden_dim
        return {
            "autoencoder": DisentangledAutoencoder(n_features, hidden, self.semantic_dim,
                                                   self.residual_dim),
            "relation": RelationNet(self.semantic_dim, n_attributes, hidden),
            "tc_discriminator": TCDiscriminator(self.semantic_dim + self.residual_dim),
        }

    def _loss_weights(self):
        return {"reconstruction": self.reconstruction_weight, "relation": self.relation_weight,
                "independence": self.independence_weight}

    def _transform_batch(self, module, X):
        h_sem, h_res = module.autoencoder.encode(X)
        return torch.cat([h_sem, h_res], dim=1) if self.output == "both" else h_sem

    def get_feature_names_out(self, input_features=None):
        """Names of the output features: ``semantic0, ...`` then ``residual0, ...``.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Ignored beyond validation against the fitted input names.

        Returns
        -------
        names : ndarray of str objects
            One name per output column.
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features)
        names = [f"semantic{i}" for i in range(self.semantic_dim)]
        if self.output == "both":
            names += [f"residual{i}" for i in range(self.residual_dim)]
        return np.asarray(names, dtype=object)
