"""The feature-generating backbone alone: generate unseen-class features, then classify."""

from ..utils._docstring import fill_doc
from ._base import BaseGenerativeClassifier
from ._docstrings import FRAGMENTS


@fill_doc(**FRAGMENTS)
class CLSWGANClassifier(BaseGenerativeClassifier):
    """Feature-generating GZSL classifier: f-CLSWGAN (Xian et al. 2018) or its VAE successors.

    A conditional generator ``G(z, a)`` learns to produce visual features of a
    class from its semantic vector ``a`` (the ``backbone``: f-CLSWGAN's
    WGAN-GP with the classification loss ``L_CLS``, :class:`CLSWGAN`;
    f-VAEGAN, :class:`FVAEGAN`; TF-VAEGAN, :class:`TFVAEGAN`).
    ``n_synthetic_per_class`` features are then generated for every unseen
    class, and a softmax classifier over all classes is trained on real seen
    plus synthetic unseen features.

    Parameters
    ----------
%(backbone_parameters)s
%(common_parameters_and_attributes)s

    See Also
    --------
    SDDNClassifier : Adds self-distillation and disentanglement to this backbone.
    SemanticKDClassifier : Adds semantic constraints and semantic distillation.

    Notes
    -----
    The critic takes ``n_critic`` steps per generator step, each on its own
    random batch; the generator step reuses the last one.

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
%(generative_example)s
    >>> clf.fit(X, y).predict(data.X_test_unseen[:3]).shape
    (3,)
    """
