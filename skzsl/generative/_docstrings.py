"""Docstring fragments of the generative family (see :func:`skzsl.utils._docstring.fill_doc`)."""

FRAGMENTS = {
    "backbone_parameters": """
    class_attributes : DataFrame, dict, ClassAttributes or None, default=None
        Class semantics indexed by class label, covering every class to
        predict, seen and unseen. ``None`` uses one-hot semantics of the
        training labels (an ordinary classifier that cannot predict unseen
        classes).
    backbone : {"wgan", "vaegan"}, default="wgan"
        The feature generator: f-CLSWGAN's conditional WGAN-GP, or f-VAEGAN's
        conditional VAE whose decoder is also the WGAN-GP generator.
    noise_dim : int, default=None
        Size of the generator's noise; ``None`` uses the number of attributes,
        as f-CLSWGAN.
    hidden_dim : int, default=4096
        Hidden width of the generator, critic and encoder.
    n_critic : int, default=5
        Critic updates per generator update.
    gp_weight : float, default=10.0
        Weight ``lambda`` of the WGAN-GP gradient penalty.
    max_epochs : int, default=30
        Training epochs of the generator (over the real seen samples), as
        skorch's ``max_epochs``; fewer with ``early_stopping``.
    batch_size : int, default=64
        Batch size of generator training.
    lr : float, default=1e-4
        Adam learning rate (``betas=(0.5, 0.999)``) of every generator-stage network.
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
    classifier_batch_size : int, default=256
        Batch size of the final classifier.
    classifier_lr : float, default=1e-3
        Adam learning rate of the final classifier.
%(early_stopping)s
    feature_scaling : {"minmax"} or None, default="minmax"
        ``"minmax"`` scales features to [0, 1] with a ``MinMaxScaler`` fitted
        on the training features, as every original code does, and the
        generator ends in a sigmoid; ``None`` leaves features as given (scale
        them yourself) with a linear generator output.
    semantic_scaling : {"standard"} or None, default=None
        ``"standard"`` standardises each semantic dimension over the classes
        of the table (zero mean, unit variance) before the networks read it;
        ``None`` uses the table as given (the papers use L2-normalised
        attributes, whose entries are small next to the N(0, I) noise).
%(seen_bias)s
%(candidates)s
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order, noise and synthesis.
%(device)s
%(verbose)s
""",
    "common_attributes": """
    classes_ : ndarray of shape (n_classes,)
        Every class of the class table, sorted.
    seen_classes_ : ndarray of shape (n_seen,)
        Classes present in ``y`` during fit.
    unseen_classes_ : ndarray of shape (n_unseen,)
        Classes of the table absent from ``y``.
    class_attributes_ : ClassAttributes
        The validated class table.
    generator_net_ : skorch.NeuralNet
        The trained stage-1 net: ``generator_net_.module_`` holds every
        network of the generator stage (generator, critic, ...) and
        ``generator_net_.history`` every loss term and each optimizer group's
        objective per batch and epoch (e.g. ``[:, "objective_critic"]``).
    classifier_net_ : skorch.NeuralNet
        The trained final softmax classifier; predictions go through it.
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
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.
""",
}
