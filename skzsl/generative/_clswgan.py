"""f-CLSWGAN: feature-generating networks (Xian et al., CVPR 2018), with the f-VAEGAN option."""

from numbers import Real

from sklearn.utils._param_validation import Interval

from ..nn.generative_losses import classification_loss
from ._base import BaseGenerativeClassifier, GenerativeNet, fill_doc, train_softmax_classifier


class CLSWGANNet(GenerativeNet):
    """WGAN-GP plus f-CLSWGAN's classification loss through a frozen pretrained classifier."""

    loss_names = (*GenerativeNet.loss_names, "loss_classification")

    def generator_terms(self, X, y, attributes, fake):
        bundle = self.module_
        logits = bundle.pretrained_classifier(fake)
        target = bundle.seen_position[y]
        return {"loss_classification":
                self.weights["classification"] * classification_loss(logits, target)}


@fill_doc
class CLSWGANClassifier(BaseGenerativeClassifier):
    """Feature-generating GZSL classifier, f-CLSWGAN (Xian et al. 2018).

    A conditional generator ``G(z, a)`` learns to produce visual features of a
    class from its semantic vector ``a``, against a conditional WGAN-GP critic,
    with a classification loss: a softmax classifier pretrained on real seen
    features (then frozen) must recognise the generated features,

    .. math::

        \\min_G \\max_D\\ L_{WGAN} + \\beta\\, L_{CLS}.

    ``n_synthetic_per_class`` features are then generated for every unseen
    class, and a softmax classifier over all classes is trained on real seen
    plus synthetic unseen features. With ``backbone="vaegan"`` a conditional
    VAE shares the generator as its decoder (f-VAEGAN, Xian et al. 2019).

    Parameters
    ----------
%(backbone_parameters)s
    classification_weight : float, default=0.01
        ``beta``, the weight of the classification loss on generated features
        (0 turns the generator into a plain conditional WGAN-GP).
%(common_parameters)s

    Attributes
    ----------
%(common_attributes)s

    See Also
    --------
    SDDNClassifier : Adds self-distillation and disentanglement to this backbone.
    SemanticKDClassifier : Adds semantic constraints and semantic distillation.

    Notes
    -----
    The critic takes ``n_critic`` steps on the same real batch (fresh noise
    each time) per generator step. The classifier of ``L_CLS`` is pretrained
    for ``classifier_epochs`` epochs on the real seen features.

    References
    ----------
    .. [1] Y. Xian, T. Lorenz, B. Schiele and Z. Akata, "Feature generating
       networks for zero-shot learning", CVPR 2018.
    .. [2] Y. Xian, S. Sharma, B. Schiele and Z. Akata, "f-VAEGAN-D2: a
       feature generating framework for any-shot learning", CVPR 2019.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.generative import CLSWGANClassifier
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = CLSWGANClassifier(data.class_attributes, hidden_dim=64, epochs=5,
    ...                         n_synthetic_per_class=50, verbose=0, random_state=0)
    >>> clf.fit(data.X_train, data.y_train).predict(data.X_test_unseen[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseGenerativeClassifier._parameter_constraints,
        "classification_weight": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, class_attributes=None, *, backbone="wgan", noise_dim=None,
                 hidden_dim=4096, n_critic=5, gp_weight=10.0, epochs=30, batch_size=64,
                 lr=1e-4, classification_weight=0.01, n_synthetic_per_class=300,
                 n_synthetic_seen_per_class=0,
                 classifier_epochs=25, classifier_batch_size=256, classifier_lr=1e-3,
                 feature_scaling="minmax", semantic_scaling=None, seen_bias=0.0,
                 candidates="all", random_state=None, device="auto", verbose=1):
        self.class_attributes = class_attributes
        self.backbone = backbone
        self.noise_dim = noise_dim
        self.hidden_dim = hidden_dim
        self.n_critic = n_critic
        self.gp_weight = gp_weight
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.classification_weight = classification_weight
        self.n_synthetic_per_class = n_synthetic_per_class
        self.n_synthetic_seen_per_class = n_synthetic_seen_per_class
        self.classifier_epochs = classifier_epochs
        self.classifier_batch_size = classifier_batch_size
        self.classifier_lr = classifier_lr
        self.feature_scaling = feature_scaling
        self.semantic_scaling = semantic_scaling
        self.seen_bias = seen_bias
        self.candidates = candidates
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    def _build_generator_net(self, X_scaled, y_idx):
        pretrained, _ = train_softmax_classifier(
            X_scaled, self._seen_position()[y_idx], len(self.seen_classes_),
            epochs=self.classifier_epochs, batch_size=self.classifier_batch_size,
            lr=self.classifier_lr, device=self.device_, verbose=self.verbose,
            desc="pretrained classifier")
        pretrained.requires_grad_(False).eval()
        bundle = self._bundle(X_scaled.shape[1], pretrained_classifier=pretrained)
        return self._net(CLSWGANNet, bundle, groups={},
                         weights={"classification": self.classification_weight})
