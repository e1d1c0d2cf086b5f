"""Docstring fragments of the generative family (see :func:`skzsl.utils._docstring.fill_doc`)."""

FRAGMENTS = {
    "backbone_parameters": """
%(class_attributes)s
    backbone : {"clswgan", "fvaegan", "tfvaegan"}, default="clswgan"
        The feature generator, trained as its reference code trains it:
        f-CLSWGAN's conditional WGAN-GP; f-VAEGAN's conditional VAE whose
        decoder is also the WGAN-GP generator; TF-VAEGAN, f-VAEGAN with a
        semantic decoder, a feedback module (a second pass per epoch) and the
        decoder's features in the final classifier's input. Parameters set to
        ``"auto"`` take the backbone's reference value (see the
        implementation notes).
    noise_dim : int, default=None
        Size of the generator's noise (the VAE latent); ``None`` uses the
        number of attributes, as the reference codes.
    hidden_dim : int, default=4096
        Hidden width of the generator, critic, encoder, decoder and feedback module.
    n_critic : int, default=5
        Critic steps per generator step, each on its own random batch.
    gp_weight : float, default=10.0
        Weight ``lambda`` of the WGAN-GP gradient penalty (its initial value
        under the adaptive rule).
    gp_weight_rule : {"auto", "fixed", "adaptive"}, default="auto"
        ``"adaptive"`` multiplies the weight by 1.1 when the mean penalty of
        a generator iteration exceeds 1.05 and divides it by 1.1 below 1.001
        (TF-VAEGAN's rule); ``"auto"``: fixed for f-CLSWGAN, adaptive for
        the VAE backbones.
    critic_weight, adversarial_weight : float or "auto", default="auto"
        Weights of the critic's loss and of the generator's adversarial term
        (TF-VAEGAN's ``gammaD`` and ``gammaG``); ``"auto"``: 1 for
        f-CLSWGAN, 10 for the VAE backbones.
    encoded_noise : bool or "auto", default="auto"
        Generate the critic's fakes and the adversarial term from the
        encoder's latent instead of prior noise (VAE backbones only);
        ``"auto"``: True for the VAE backbones.
    decoder_weight : float, default=0.01
        TF-VAEGAN only: weight of the semantic decoder's loss.
    feedback_weight, synthesis_feedback_weight : float, default=1.0
        TF-VAEGAN only: weight of the feedback in training (``a1``) and at
        synthesis (``a2``).
    decoder_lr, feedback_lr : float, default=1e-4 and 1e-5
        TF-VAEGAN only: Adam learning rates of the decoder and of the feedback module.
    freeze_decoder : bool, default=False
        TF-VAEGAN only: keep the decoder out of the generator step (the
        official AWA2 setting).
    max_epochs : int, default=30
        Training epochs of the generator (over the real seen samples), as
        skorch's ``max_epochs``; fewer with ``early_stopping``.
    batch_size : int, default=64
        Batch size of generator training.
    lr : float, default=1e-4
        Adam learning rate of the generator, critic and encoder
        (``betas=(0.5, 0.999)``; the encoder PyTorch's default betas, as the
        official code) and of the method's networks.
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
    feature_scaling : {"minmax"} or None, default="minmax"
        ``"minmax"`` scales features to [0, 1] with a ``MinMaxScaler`` fitted
        on the training features, as every original code does, and the
        generator ends in a sigmoid; ``None`` leaves features as given (scale
        them yourself) with a linear generator output.
    semantic_scaling : {"l2", "standard"} or None, default="l2"
        ``"l2"`` scales each class vector to unit L2 norm, as the reference
        codes do; ``"standard"`` standardises each semantic dimension over
        the classes of the table (zero mean, unit variance); ``None`` uses
        the table as given.
%(seen_bias)s
%(candidates)s
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order, noise and synthesis.
%(device)s
%(verbose)s
""",
    "common_attributes": """
%(gzsl_attributes)s
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
%(n_features_in)s
""",
}
