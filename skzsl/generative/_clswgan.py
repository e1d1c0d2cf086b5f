"""f-CLSWGAN: feature-generating networks (Xian et al., CVPR 2018), with the f-VAEGAN option."""

from numbers import Real

from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._docstring import fill_doc
from ._backbone import backbone_settings, build_bundle, build_generator_net
from ._base import BaseGenerativeClassifier
from ._docstrings import FRAGMENTS
from ._nets import CLSWGANNet


@fill_doc(**FRAGMENTS)
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
    plus synthetic unseen features. ``backbone="fvaegan"`` adds a conditional
    VAE whose decoder is the generator (f-VAEGAN, Xian et al. 2019), and
    ``"tfvaegan"`` TF-VAEGAN's semantic decoder and feedback module (Narayan
    et al. 2020); those backbones have no ``L_CLS`` by default.

    Parameters
    ----------
%(backbone_parameters)s
    classification_weight : float or "auto", default="auto"
        ``beta``, the weight of the classification loss on generated features;
        ``"auto"``: 0.01 for f-CLSWGAN, 0 for the VAE backbones. At 0 no
        classifier is pretrained.
%(common_parameters)s

    Attributes
    ----------
%(common_attributes)s
    pretrained_net_ : skorch.NeuralNet
        The softmax classifier pretrained on real seen features (then frozen)
        whose loss on generated features trains the generator; only when the
        classification weight is not 0.

    See Also
    --------
    SDDNClassifier : Adds self-distillation and disentanglement to this backbone.
    SemanticKDClassifier : Adds semantic constraints and semantic distillation.

    Notes
    -----
    The critic takes ``n_critic`` steps per generator step, each on its own
    random batch; the generator step reuses the last one. The classifier of
    ``L_CLS`` is pretrained for ``classifier_max_epochs`` epochs on the real
    seen features.

    References
    ----------
    .. [1] Y. Xian, T. Lorenz, B. Schiele and Z. Akata, "Feature generating
       networks for zero-shot learning", CVPR 2018.
    .. [2] Y. Xian, S. Sharma, B. Schiele and Z. Akata, "f-VAEGAN-D2: a
       feature generating framework for any-shot learning", CVPR 2019.
    .. [3] S. Narayan, A. Gupta, F. S. Khan, C. G. M. Snoek and L. Shao,
       "Latent embedding feedback and discriminative features for zero-shot
       classification", ECCV 2020.

    Examples
    --------
    >>> from skzsl.datasets import make_zsl_classification
    >>> from skzsl.generative import CLSWGANClassifier
    >>> data = make_zsl_classification(random_state=0)
    >>> clf = CLSWGANClassifier(data.class_attributes, hidden_dim=64, max_epochs=5,
    ...                         n_synthetic_per_class=50, verbose=0, random_state=0)
    >>> clf.fit(data.X_train, data.y_train).predict(data.X_test_unseen[:3]).shape
    (3,)
    """

    _uses_lcls = True
    _parameter_constraints: dict = {
        **BaseGenerativeClassifier._parameter_constraints,
        "classification_weight": [StrOptions({"auto"}), Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, class_attributes=None, *, backbone="clswgan", noise_dim=None,
                 hidden_dim=4096, n_critic=5, gp_weight=10.0, gp_weight_rule="auto",
                 critic_weight="auto", adversarial_weight="auto", encoded_noise="auto",
                 decoder_weight=0.01, feedback_weight=1.0, synthesis_feedback_weight=1.0,
                 decoder_lr=1e-4, feedback_lr=1e-5, freeze_decoder=False, max_epochs=30,
                 batch_size=64, lr=1e-4, classification_weight="auto",
                 n_synthetic_per_class=300,
                 n_synthetic_seen_per_class=0, classifier_max_epochs=25,
                 classifier_batch_size=300, classifier_lr=1e-3, early_stopping=False,
                 validation_every=1, patience=5, feature_scaling="minmax",
                 semantic_scaling="l2", seen_bias=0.0, candidates="all", random_state=None,
                 device="auto", verbose=1):
        super().__init__(**self._parent_arguments(BaseGenerativeClassifier, locals()))
        self.classification_weight = classification_weight

    def _build_generator_net(self, X_scaled, y_idx):
        weight = backbone_settings(self)["classification_weight"]
        modules = {}
        if weight:
            # no classifier is trained for a term of weight 0
            self.pretrained_net_ = self._train_classifier(
                X_scaled, self._seen_position()[y_idx], len(self.seen_classes_),
                "pretrained classifier")
            modules["pretrained_classifier"] = self.pretrained_net_.module_.requires_grad_(
                False).eval()
        bundle = build_bundle(self, X_scaled.shape[1], **modules)
        return build_generator_net(self, CLSWGANNet, bundle, groups={},
                                   weights={"classification": weight})
