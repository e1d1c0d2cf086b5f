"""Torch modules of the generative family: feature generators and their helpers.

Shapes follow the feature-generation literature (f-CLSWGAN, f-VAEGAN,
SDGZSL): a conditional generator ``G([z, a]) -> x``, a conditional critic
``D([x, a]) -> score``, an optional VAE encoder ``E([x, a]) -> (mu, logvar)``,
and the extra networks of SDDN (self-teacher, disentangled autoencoder,
relation network, total-correlation discriminator) and of the semantic
knowledge-distillation generator (semantic regressor). Class semantics enter as
a matrix ``A`` of shape (n_classes, n_attributes) given to ``forward``, so one
module serves any set of classes, seen or unseen.

Nothing here knows scikit-learn; estimators in ``skzsl.generative`` build and
train these modules.
"""

import torch
from torch import nn

__all__ = [
    "mlp",
    "init_normal_",
    "ConditionalGenerator",
    "ConditionalCritic",
    "ConditionalEncoder",
    "SemanticDecoder",
    "unit_rows",
    "FeedbackModule",
    "SoftmaxClassifier",
    "SelfDistillationEmbedding",
    "DisentangledAutoencoder",
    "RelationNet",
    "TCDiscriminator",
    "SemanticRegressor",
    "permute_rows",
    "ModuleBundle",
]


def mlp(n_in, hidden, n_out, *, negative_slope=0.2, output=None):
    """``Linear -> LeakyReLU -> Linear [-> output]``: the one-hidden-layer net of the codes.

    Parameters
    ----------
    n_in, hidden, n_out : int
        Layer widths.
    negative_slope : float, default=0.2
        Slope of the LeakyReLU.
    output : torch.nn.Module, default=None
        Output activation; ``None`` leaves the output linear.

    Returns
    -------
    net : torch.nn.Sequential
    """
    layers = [nn.Linear(n_in, hidden), nn.LeakyReLU(negative_slope), nn.Linear(hidden, n_out)]
    if output is not None:
        layers.append(output)
    return nn.Sequential(*layers)


def init_normal_(module, std=0.02):
    """Initialise every ``Linear`` of ``module``: weights N(0, ``std``), biases 0.

    The initialisation of every network of the feature-generation codes
    (f-CLSWGAN, f-VAEGAN, TF-VAEGAN: ``weights_init``), final classifier
    included. Returns ``module``.
    """
    for layer in module.modules():
        if isinstance(layer, nn.Linear):
            nn.init.normal_(layer.weight, 0.0, std)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
    return module


class ConditionalGenerator(nn.Module):
    """Conditional feature generator ``G(z, a)`` (f-CLSWGAN, f-VAEGAN, TF-VAEGAN).

    ``[z, a] -> hidden (LeakyReLU 0.2) -> n_features [-> sigmoid]``. TF-VAEGAN's
    feedback enters as an addition to the hidden layer: ``forward(z, a,
    feedback)`` computes ``out(h(z, a) + feedback)``.

    Parameters
    ----------
    n_attributes : int
        Size of a class-semantic vector ``a``.
    noise_dim : int
        Size of the noise ``z``.
    hidden_dim : int
        Width of the hidden layer.
    n_features : int
        Size of a generated feature vector.
    output : {"sigmoid", "linear"}, default="sigmoid"
        Output activation: sigmoid for features min-max scaled to [0, 1]
        (f-VAEGAN, TF-VAEGAN), linear otherwise.
    """

    def __init__(self, n_attributes, noise_dim, hidden_dim, n_features, output="sigmoid"):
        super().__init__()
        self.noise_dim = noise_dim
        self.n_features = n_features
        self.net = mlp(noise_dim + n_attributes, hidden_dim, n_features,
                       output=nn.Sigmoid() if output == "sigmoid" else None)

    def forward(self, noise, attributes, feedback=None):
        hidden = self.net[:2](torch.cat([noise, attributes], dim=1))
        if feedback is not None:
            hidden = hidden + feedback
        return self.net[2:](hidden)

    def sample(self, attributes, generator=None):
        """Generate one feature per row of ``attributes`` from fresh ``N(0, I)`` noise."""
        return self(self.noise(attributes, generator), attributes)

    def noise(self, attributes, generator=None):
        """Prior noise ``z ~ N(0, I)``, one row per row of ``attributes``."""
        return torch.randn(attributes.shape[0], self.noise_dim, device=attributes.device,
                           dtype=attributes.dtype, generator=generator)


class ConditionalCritic(nn.Module):
    """Conditional WGAN critic ``D(x, a)`` returning one unbounded score per sample."""

    def __init__(self, n_features, n_attributes, hidden_dim):
        super().__init__()
        self.net = mlp(n_features + n_attributes, hidden_dim, 1)

    def forward(self, features, attributes):
        return self.net(torch.cat([features, attributes], dim=1)).squeeze(1)


class ConditionalEncoder(nn.Module):
    """VAE encoder ``E(x, a) -> (mu, logvar)`` of f-VAEGAN and TF-VAEGAN.

    ``[x, a] -> hidden -> 2 * noise_dim`` (LeakyReLU 0.2 after both), then two
    linear heads for the mean and the log-variance, as the official TF-VAEGAN
    encoder.
    """

    def __init__(self, n_features, n_attributes, hidden_dim, noise_dim):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(n_features + n_attributes, hidden_dim), nn.LeakyReLU(0.2),
            nn.Linear(hidden_dim, 2 * noise_dim), nn.LeakyReLU(0.2))
        self.mean = nn.Linear(2 * noise_dim, noise_dim)
        self.log_variance = nn.Linear(2 * noise_dim, noise_dim)

    def forward(self, features, attributes):
        h = self.body(torch.cat([features, attributes], dim=1))
        return self.mean(h), self.log_variance(h)

    def latent(self, features, attributes):
        """A reparameterised draw ``z = mu + eps * exp(logvar / 2)``, with ``(mu, logvar)``."""
        mu, logvar = self(features, attributes)
        return mu + torch.randn_like(mu) * torch.exp(0.5 * logvar), mu, logvar


def unit_rows(tensor, eps=1e-12):
    """Each row divided by its L2 norm, the norm floored at ``eps`` (a zero row stays zero).

    The same values and gradients as ``tensor / tensor.norm(dim=1)`` wherever
    a row's norm exceeds ``eps``; a zero row (the decoder's output for an
    all-zero feature row at initialisation, when every bias is 0) gives zeros
    instead of ``0 / 0 = NaN``.
    """
    return tensor / tensor.norm(dim=1, keepdim=True).clamp_min(eps)


class SemanticDecoder(nn.Module):
    """TF-VAEGAN's semantic embedding decoder ``Dec(x) -> a``.

    ``x -> hidden (LeakyReLU 0.2) -> n_attributes``, output L2-normalised per
    row (:func:`unit_rows`). Its hidden layer feeds the feedback module and,
    with its output, the final classifier's input (:meth:`features`).
    """

    def __init__(self, n_features, hidden_dim, n_attributes):
        super().__init__()
        self.hidden = nn.Sequential(nn.Linear(n_features, hidden_dim), nn.LeakyReLU(0.2))
        self.out = nn.Linear(hidden_dim, n_attributes)

    def forward(self, features):
        return unit_rows(self.out(self.hidden(features)))

    def features(self, features):
        """``[Dec(x), Dec hidden(x)]``, what TF-VAEGAN appends to the classifier's input."""
        hidden = self.hidden(features)
        return torch.cat([unit_rows(self.out(hidden)), hidden], dim=1)


class FeedbackModule(nn.Module):
    """TF-VAEGAN's feedback module: ``hidden -> hidden -> hidden``, LeakyReLU 0.2 after both."""

    def __init__(self, hidden_dim):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(hidden_dim, hidden_dim), nn.LeakyReLU(0.2),
                                 nn.Linear(hidden_dim, hidden_dim), nn.LeakyReLU(0.2))

    def forward(self, decoder_hidden):
        return self.net(decoder_hidden)


class SoftmaxClassifier(nn.Module):
    """Linear softmax classifier (its ``forward`` returns logits)."""

    def __init__(self, n_features, n_classes):
        super().__init__()
        self.linear = nn.Linear(n_features, n_classes)

    def forward(self, features):
        return self.linear(features)


class _CompatibilityHead(nn.Module):
    """Class logits ``(W h)^T a_c``: a linear head expressed through class semantics.

    Scoring through the semantic vectors lets the same head score classes never
    seen in training; with one-hot semantics it is an ordinary linear layer.
    """

    def __init__(self, n_in, n_attributes):
        super().__init__()
        self.project = nn.Linear(n_in, n_attributes, bias=False)

    def forward(self, features, class_semantics):
        return self.project(features) @ class_semantics.T


def _block(n_in, n_out):
    """``Linear -> LeakyReLU(0.2)``: the vector analogue of FRSKD's 1x1 convolution block."""
    return nn.Sequential(nn.Linear(n_in, n_out), nn.LeakyReLU(0.2))


class _FastFusion(nn.Module):
    """FRSKD's (BiFPN's) fast normalised fusion: ``sum_k w_k x_k``, ``w = relu(p) / sum relu(p)``.

    The weights ``p`` are learnt and start at one; the inputs have one shape.
    """

    def __init__(self, n_inputs, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n_inputs))
        self.eps = eps

    def forward(self, *inputs):
        weight = torch.relu(self.weight)
        weight = weight / (weight.sum() + self.eps)
        return sum(w * x for w, x in zip(weight, inputs, strict=True))


class SelfDistillationEmbedding(nn.Module):
    """Student embedding with an auxiliary self-teacher on its levels (SDDN 3.3.1, after FRSKD).

    The student maps a visual feature ``x`` through two levels, a hidden
    layer ``h_1`` (``hidden_dim``) and the refined feature ``h_S = h_2``
    (``embedding_dim``), and scores classes through their semantics. The
    auxiliary self-teacher is FRSKD's (Ji et al. 2021) BiFPN self-teacher on
    vectors: it reads the student's levels (not the input), refines them
    top-down and bottom-up with learnt normalised fusion weights, and scores
    classes from its deepest refined level. Convolution blocks become
    ``Linear -> LeakyReLU`` blocks and up/down-sampling become width-matching
    blocks; the teacher's levels are as wide as the student's (FRSKD's
    ``width`` is 2 on channels, which vectors do not have), so that each level
    can be distilled entry by entry (:func:`~skzsl.nn.generative_losses.\
feature_map_distillation_loss`). The teacher reads the student's levels
    without a detach: its cross-entropy also trains the student, as in FRSKD.

    Parameters
    ----------
    n_features : int
        Size of ``x``.
    n_attributes : int
        Size of a class-semantic vector.
    hidden_dim : int
        Width of the student's hidden level (and the teacher's).
    embedding_dim : int
        Size of the refined feature ``h_S`` (and of the teacher's deepest level).
    """

    def __init__(self, n_features, n_attributes, hidden_dim, embedding_dim):
        super().__init__()
        self.student_hidden = _block(n_features, hidden_dim)
        self.student_out = nn.Sequential(nn.Linear(hidden_dim, embedding_dim), nn.ReLU())
        self.student_head = _CompatibilityHead(embedding_dim, n_attributes)
        # lateral blocks (top-down path, and a second one for the bottom-up path)
        self.lateral = nn.ModuleList([_block(hidden_dim, hidden_dim),
                                      _block(embedding_dim, embedding_dim)])
        self.lateral_bottom_up = _block(embedding_dim, embedding_dim)
        self.up = _block(embedding_dim, hidden_dim)
        self.down = _block(hidden_dim, embedding_dim)
        self.top_down_fusion = _FastFusion(2)
        self.bottom_up_fusion = _FastFusion(2)
        self.top_down_block = _block(hidden_dim, hidden_dim)
        self.bottom_up_block = _block(embedding_dim, embedding_dim)
        self.teacher_head = _CompatibilityHead(embedding_dim, n_attributes)

    def embed(self, features):
        """The refined feature ``h_S`` of each sample."""
        return self.student_out(self.student_hidden(features))

    def teacher(self, levels):
        """The self-teacher's refined levels ``[t_1, t_2]`` from the student's ``[h_1, h_2]``."""
        h1, h2 = levels
        lateral1, lateral2 = self.lateral[0](h1), self.lateral[1](h2)
        top_down2 = lateral2
        top_down1 = self.top_down_block(self.top_down_fusion(lateral1, self.up(top_down2)))
        out1 = top_down1
        out2 = self.bottom_up_block(self.bottom_up_fusion(self.lateral_bottom_up(h2),
                                                          self.down(out1)))
        return [out1, out2]

    def forward(self, features, class_semantics):
        h1 = self.student_hidden(features)
        h2 = self.student_out(h1)
        teacher = self.teacher([h1, h2])
        return {
            "student_features": h2,
            "student_levels": [h1, h2],
            "student_logits": self.student_head(h2, class_semantics),
            "teacher_features": teacher[-1],
            "teacher_levels": teacher,
            "teacher_logits": self.teacher_head(teacher[-1], class_semantics),
        }


class DisentangledAutoencoder(nn.Module):
    """Autoencoder whose latent splits into a semantic and a residual part (SDGZSL; SDDN 3.4.1).

    SDGZSL's autoencoder (Chen et al. 2021, ``models.py``): the encoder is
    ``Linear -> LeakyReLU(0.2) -> Dropout``, its output split into the
    semantic-consistent latent ``h_sem`` and the residual latent ``h_res``;
    the decoder is ``Linear(hidden) -> LeakyReLU -> Dropout -> Linear ->
    LeakyReLU -> Dropout`` (the reference code drops out the reconstruction
    itself too). ``encode(x) -> (h_sem, h_res)``; ``forward(x) -> (h_sem,
    h_res, x_hat)``.

    Parameters
    ----------
    n_features : int
        Size of the input.
    hidden_dim : int
        Width of the decoder's hidden layer (SDGZSL: 2048).
    semantic_dim, residual_dim : int
        Sizes of the two latents (SDGZSL's SUN script: 2048 each).
    dropout : float, default=0.0
        Dropout after each layer (SDGZSL's ``ae_drop``: 0.4 on SUN, 0 on CUB).
    n_out : int, default=None
        Size of the reconstruction; ``None`` is ``n_features``.
    """

    def __init__(self, n_features, hidden_dim, semantic_dim, residual_dim, dropout=0.0,
                 n_out=None):
        super().__init__()
        self.semantic_dim = semantic_dim
        latent = semantic_dim + residual_dim
        self.encoder = nn.Sequential(nn.Linear(n_features, latent), nn.LeakyReLU(0.2),
                                     nn.Dropout(dropout))
        self.decoder = nn.Sequential(nn.Linear(latent, hidden_dim), nn.LeakyReLU(0.2),
                                     nn.Dropout(dropout),
                                     nn.Linear(hidden_dim, n_out or n_features),
                                     nn.LeakyReLU(0.2), nn.Dropout(dropout))

    def encode(self, features):
        latent = self.encoder(features)
        return latent[:, :self.semantic_dim], latent[:, self.semantic_dim:]

    def forward(self, features):
        h_sem, h_res = self.encode(features)
        return h_sem, h_res, self.decoder(torch.cat([h_sem, h_res], dim=1))


class RelationNet(nn.Module):
    """Relation network ``R([h, a_c]) -> [0, 1]``: how well a latent matches each class (SDGZSL).

    SDGZSL's ``Linear(latent + attributes, hidden) -> ReLU -> Linear(1) ->
    Sigmoid`` on every (latent, class) pair. The first layer on a
    concatenation ``[h, a]`` is ``W_h h + W_a a + b``, so it is computed as
    two products broadcast over the pairs, the same function at a fraction
    of the cost (``latent`` holds ``W_h`` and ``b``, ``semantic`` ``W_a``).
    ``forward(h, A)`` returns the (n_samples, n_classes) relation scores of
    every latent against every class-semantic row of ``A``.
    """

    def __init__(self, latent_dim, n_attributes, hidden_dim):
        super().__init__()
        self.latent = nn.Linear(latent_dim, hidden_dim)
        self.semantic = nn.Linear(n_attributes, hidden_dim, bias=False)
        self.out = nn.Linear(hidden_dim, 1)

    def forward(self, latent, class_semantics):
        hidden = torch.relu(self.latent(latent).unsqueeze(1)
                            + self.semantic(class_semantics).unsqueeze(0))
        return torch.sigmoid(self.out(hidden).squeeze(2))


class TCDiscriminator(nn.Module):
    """SDGZSL's total-correlation discriminator: ``Linear(latent, 2) -> Sigmoid``.

    Column 0 scores "joint" latent pairs ``[h_sem, h_res]`` of one sample,
    column 1 "permuted" pairs (each part from another sample). A single
    linear layer, as in SDGZSL's ``models.py``.
    """

    def __init__(self, latent_dim):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent_dim, 2), nn.Sigmoid())

    def forward(self, latent):
        return self.net(latent)


class SemanticRegressor(nn.Module):
    """Maps a visual feature back to class semantics ``R(x) -> a`` (semantic-KD generator)."""

    def __init__(self, n_features, hidden_dim, n_attributes):
        super().__init__()
        self.net = mlp(n_features, hidden_dim, n_attributes)

    def forward(self, features):
        return self.net(features)


def permute_rows(tensor, generator=None):
    """Shuffle the rows of ``tensor`` (one random permutation, on its device)."""
    order = torch.randperm(tensor.shape[0], device=tensor.device, generator=generator)
    return tensor[order]


class ModuleBundle(nn.Module):
    """The modules of one generative method, side by side, plus the class semantics.

    ``class_semantics`` (n_classes, n_attributes), ``seen_position`` (the
    column of each class among the seen classes, -1 for unseen ones) and the
    class positions ``seen_index`` / ``unseen_index`` are buffers, so they
    follow the bundle to its device.

    ``forward`` maps (scaled) visual features to what the final GZSL
    classifier reads: the concatenation of the parts named in ``fusion``,
    ``"visual"`` (the features themselves), ``"decoded"`` (TF-VAEGAN's
    ``decoder.features``), ``"refined"`` (``embedding.embed``) and
    ``"semantic"`` (the semantic-consistent latent of ``autoencoder``,
    computed from the visual features, as SDGZSL's classifier reads it).

    :meth:`generate` runs the generator, through TF-VAEGAN's feedback loop
    when the bundle has a ``feedback`` module and a weight is given.

    Parameters
    ----------
    class_semantics : Tensor of shape (n_classes, n_attributes)
    seen_position : Tensor of shape (n_classes,)
    fusion : tuple of str, default=("visual",)
    **modules : torch.nn.Module
        Named children (``generator``, ``critic``, ...).
    """

    def __init__(self, class_semantics, seen_position, fusion=("visual",), **modules):
        super().__init__()
        self.register_buffer("class_semantics", class_semantics)
        self.register_buffer("seen_position", seen_position)
        self.register_buffer("seen_index", torch.nonzero(seen_position >= 0).squeeze(1))
        self.register_buffer("unseen_index", torch.nonzero(seen_position < 0).squeeze(1))
        self.fusion = tuple(fusion)
        for name, module in modules.items():
            setattr(self, name, module)

    @property
    def seen_semantics(self):
        return self.class_semantics[self.seen_index]

    def random_unseen(self, n):
        """``n`` unseen class positions drawn uniformly with replacement (torch's RNG).

        The table must have an unseen class.
        """
        draw = torch.randint(self.unseen_index.numel(), (n,), device=self.unseen_index.device)
        return self.unseen_index[draw]

    def generate(self, noise, attributes, feedback_weight=0.0):
        """``G(z, a)``; with feedback, ``G(z, a, w F(Dec hidden(G(z, a))))`` (TF-VAEGAN).

        The decoder's hidden layer is detached before the feedback module, as
        in the official code.
        """
        fake = self.generator(noise, attributes)
        if feedback_weight and hasattr(self, "feedback"):
            hidden = self.decoder.hidden(fake).detach()
            fake = self.generator(noise, attributes,
                                  feedback=feedback_weight * self.feedback(hidden))
        return fake

    def sample(self, attributes, feedback_weight=0.0, generator=None):
        """One generated feature per row of ``attributes`` from prior noise."""
        return self.generate(self.generator.noise(attributes, generator), attributes,
                             feedback_weight)

    def forward(self, features):
        if self.fusion == ("visual",):
            return features
        named = {"visual": features}
        if "decoded" in self.fusion:
            named["decoded"] = self.decoder.features(features)
        if "refined" in self.fusion:
            named["refined"] = self.embedding.embed(features)
        if "semantic" in self.fusion:
            named["semantic"] = self.autoencoder.encode(features)[0]
        return torch.cat([named[part] for part in self.fusion], dim=1)
