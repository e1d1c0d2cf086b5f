"""Docstring fragments of the generative family (see :func:`skzsl.utils._docstring.fill_doc`)."""

import textwrap

FRAGMENTS = {
    "backbone_parameters": """
%(class_attributes)s
    backbone : CLSWGAN, FVAEGAN, TFVAEGAN or {"clswgan", "fvaegan", "tfvaegan"}, \
default="clswgan"
        The feature generator and how it is trained, as an object holding its
        own hyperparameters (:class:`CLSWGAN`, :class:`FVAEGAN`,
        :class:`TFVAEGAN`, each defaulting to its reference code's values),
        searched as ``backbone__<name>`` (``GridSearchCV`` and ``set_params``
        reach them once an object is passed). A name is a shortcut for the
        object with its defaults. The backbone's ``lr`` and ``batch_size``
        also train the method's own networks.
    max_epochs : int, default=30
        Training epochs of the generator and the method's networks (over the
        real seen samples), as skorch's ``max_epochs``; fewer with
        ``early_stopping``.
""",
    "common_parameters": """
    n_synthetic_per_class : int, default=300
        Features generated per unseen class to train the final classifier.
    n_synthetic_seen_per_class : int, default=0
        Features generated per seen class, added to the real ones (0, the
        papers' setting, trains on real seen features only). Few real samples
        per seen class (SUN) is where this helps.
    classifier_max_epochs : int, default=25
        Epochs of the final softmax classifier (and of f-CLSWGAN's pretrained one).
    classifier_batch_size : int, default=300
        Batch size of the final classifier; every batch is full (the last one
        wraps around), as in the reference codes, which use
        ``n_synthetic_per_class``.
    classifier_lr : float, default=1e-3
        Adam learning rate of the final classifier.
%(early_stopping)s
%(seen_bias)s
%(candidates)s
    callbacks : list of skorch callbacks or (name, callback) pairs, default=None
        Handed to every net the estimator trains, as skorch's own
        ``callbacks``: the generator stage (``generator_net_``: its primary
        optimizer, ``optimizer_``, is the generator's, which ``LRScheduler``
        schedules; ``on_grad_computed`` fires before every optimizer step,
        critic and method networks included, so ``GradientNormClipping``
        clips them all), the final classifier (``classifier_net_``) and, with
        f-CLSWGAN's ``L_CLS``, the pretrained classifier
        (``pretrained_net_``). The same instances serve each stage in turn;
        the validation classifiers of ``early_stopping``, trained inside a
        generator epoch, get copies.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order, noise and synthesis.
%(device)s
%(verbose)s
""",
    "common_attributes": """
%(gzsl_attributes)s
    backbone_ : CLSWGAN, FVAEGAN or TFVAEGAN
        The validated backbone the fit used (a clone of ``backbone``).
    generator_net_ : skorch.NeuralNet
        The trained stage-1 net: ``generator_net_.module_`` holds every
        network of the generator stage (generator, critic, ...) and
        ``generator_net_.history`` every loss term and each optimizer group's
        objective per batch and epoch (e.g. ``[:, "objective_critic"]``).
    classifier_net_ : skorch.NeuralNet
        The trained final softmax classifier; predictions go through it.
    pretrained_net_ : skorch.NeuralNet
        f-CLSWGAN's classifier pretrained on real seen features (then frozen)
        whose loss on generated features trains the generator; only when the
        backbone's ``classification_weight`` is not 0.
    generator_ : FeatureGenerator
        The trained generator; ``generator_.sample(labels, n)`` generates
        features of any class of the table.
    best_epoch_ : int
        With ``early_stopping``: the generator epoch whose weights were kept
        (validation H of the final classifier trained on its synthetic
        features).
    scaler_ : MinMaxScaler or None
        The fitted feature scaling.
    device_ : str
        The resolved torch device.
%(n_features_in)s
""",
}

# the first lines of the family's Examples: X, y and a small model
_EXAMPLE = """>>> from skzsl.datasets import make_zsl_classification
>>> from skzsl.generative import FVAEGAN, CLSWGANClassifier
>>> data = make_zsl_classification(random_state=0)
>>> X, y = data.X_train, data.y_train
>>> clf = CLSWGANClassifier(data.class_attributes, backbone=FVAEGAN(hidden_dim=32),
...                         max_epochs=2, classifier_max_epochs=2, verbose=0,
...                         random_state=0)
"""
FRAGMENTS["generative_example"] = textwrap.indent(_EXAMPLE, " " * 4)
FRAGMENTS["method_generative_example"] = textwrap.indent(_EXAMPLE, " " * 8)

# the end of the Parameters section, the Attributes header and the shared attributes
FRAGMENTS["common_parameters_and_attributes"] = (
    FRAGMENTS["common_parameters"] + "\n    Attributes\n    ----------\n"
    + FRAGMENTS["common_attributes"].lstrip("\n"))
