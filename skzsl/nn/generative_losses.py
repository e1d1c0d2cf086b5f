"""Loss functions of the generative family, each named after the paper's term.

Every function takes tensors and returns a scalar tensor (mean over the batch
unless its docstring says otherwise); weights are applied by the caller, so each
term can be switched off by a zero weight. Notation: ``x`` real features,
``x~ = G(z, a)`` generated features, ``a`` class semantics, ``D`` the critic,
``n`` the batch size.
"""

import torch
import torch.nn.functional as F

__all__ = [
    "gradient_penalty",
    "wgan_gp_critic_loss",
    "wgan_generator_loss",
    "vae_loss",
    "weighted_l1_loss",
    "adapt_gp_weight",
    "classification_loss",
    "soft_label_distillation_loss",
    "feature_map_distillation_loss",
    "reconstruction_loss",
    "semantic_relation_matching_loss",
    "total_correlation_loss",
    "total_correlation_discriminator_loss",
    "semantic_regularization_loss",
    "semantic_preservation_loss",
    "semantic_knowledge_distillation_loss",
]


def gradient_penalty(critic, real, fake, attributes):
    """WGAN-GP gradient penalty (Gulrajani et al. 2017), as used by f-CLSWGAN.

    .. math::

        GP = \\mathbb{E}_{\\hat x}\\big[
            (\\lVert \\nabla_{\\hat x} D(\\hat x, a) \\rVert_2 - 1)^2\\big],
        \\quad \\hat x = \\epsilon x + (1 - \\epsilon) \\tilde x,\\ \\epsilon \\sim U(0, 1)

    with one ``epsilon`` per sample, drawn on the device of ``real``.

    Parameters
    ----------
    critic : callable
        ``critic(features, attributes) -> (n,)`` scores.
    real, fake : Tensor of shape (n, d)
        Real and generated features (``fake`` detached by the caller).
    attributes : Tensor of shape (n, k)
        Conditioning semantics.

    Returns
    -------
    penalty : Tensor
        Scalar, without the weight ``lambda``.
    """
    eps = torch.rand(real.shape[0], 1, device=real.device, dtype=real.dtype)
    mixed = (eps * real + (1 - eps) * fake).requires_grad_(True)
    scores = critic(mixed, attributes)
    (grad,) = torch.autograd.grad(scores.sum(), mixed, create_graph=True)
    return ((grad.norm(2, dim=1) - 1) ** 2).mean()


def wgan_gp_critic_loss(real_scores, fake_scores, penalty, gp_weight=10.0):
    """Critic loss of WGAN-GP (f-CLSWGAN Eq. 2, minimised by the critic).

    .. math::

        L_D = \\mathbb{E}[D(\\tilde x, a)] - \\mathbb{E}[D(x, a)] + \\lambda\\, GP

    Parameters
    ----------
    real_scores, fake_scores : Tensor of shape (n,)
        Critic scores of real and generated features.
    penalty : Tensor
        :func:`gradient_penalty`.
    gp_weight : float, default=10.0
        ``lambda``.
    """
    return fake_scores.mean() - real_scores.mean() + gp_weight * penalty


def wgan_generator_loss(fake_scores):
    """Adversarial loss of the generator: :math:`L_G^{adv} = -\\mathbb{E}[D(\\tilde x, a)]`."""
    return -fake_scores.mean()


def vae_loss(reconstruction, target, mu, logvar, *, kind="bce"):
    """Conditional VAE loss of f-VAEGAN (Xian et al. 2019): reconstruction plus KL.

    .. math::

        L_{VAE} = \\frac{1}{n}\\sum_i \\ell(\\hat x_i, x_i)
            + \\frac{1}{n}\\sum_i -\\tfrac12 \\sum_j
              (1 + \\log\\sigma_{ij}^2 - \\mu_{ij}^2 - \\sigma_{ij}^2)

    where ``l`` is the binary cross-entropy summed over features (``kind="bce"``,
    for features in [0, 1]) or the squared error summed over features
    (``kind="mse"``). As in the official f-VAEGAN/TF-VAEGAN code, the BCE reads
    ``reconstruction + 1e-12`` (no clamping of the reconstruction away from 1).
    """
    n = target.shape[0]
    if kind == "bce":
        rec = F.binary_cross_entropy((reconstruction + 1e-12).clamp(max=1.0), target,
                                     reduction="sum")
    else:
        rec = F.mse_loss(reconstruction, target, reduction="sum")
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (rec + kl) / n


def weighted_l1_loss(predicted, target):
    """TF-VAEGAN's semantic-decoder loss, an L1 weighted by the normalised squared error.

    .. math::

        L_{R} = \\frac{1}{n} \\sum_i \\sum_j
            \\frac{d_{ij}^2}{\\lVert d_i \\rVert_2} \\lvert d_{ij} \\rvert,
        \\quad d = \\mathrm{Dec}(x) - a

    (``WeightedL1`` of the official ``train_images.py``; the weights are not
    detached there, nor here). The row norm is floored at 1e-12 (before the
    square root, so that its gradient stays finite): a row decoded exactly
    right weighs 0 instead of giving ``0 / 0``.

    Parameters
    ----------
    predicted, target : Tensor of shape (n, k)
        Decoded and true class semantics.
    """
    diff = predicted - target
    weight = diff.pow(2) / diff.pow(2).sum(dim=1, keepdim=True).clamp_min(1e-24).sqrt()
    return (weight * diff.abs()).sum() / diff.shape[0]


def adapt_gp_weight(gp_weight, mean_penalty, *, upper=1.05, lower=1.001, factor=1.1):
    """TF-VAEGAN's adaptive gradient-penalty weight, applied once per generator iteration.

    ``mean_penalty`` is the mean over the iteration's critic steps of the
    (unweighted) :func:`gradient_penalty`. The weight grows by ``factor``
    when it is above ``upper``, shrinks by ``factor`` when it is below
    ``lower``, and is kept otherwise (``train_images.py`` of the official code).

    Parameters
    ----------
    gp_weight : float
        The current weight ``lambda``.
    mean_penalty : float
    upper, lower, factor : float

    Returns
    -------
    gp_weight : float
        The weight of the next iteration.
    """
    if mean_penalty > upper:
        return gp_weight * factor
    if mean_penalty < lower:
        return gp_weight / factor
    return gp_weight


def classification_loss(logits, target):
    """Classification loss on (generated) features, f-CLSWGAN Eq. 3.

    .. math::

        L_{CLS} = -\\frac{1}{n}\\sum_i \\log P(y_i \\mid \\tilde x_i; \\theta),
        \\quad P(y \\mid x; \\theta) = \\mathrm{softmax}(\\mathrm{logits})_y

    Parameters
    ----------
    logits : Tensor of shape (n, n_classes)
    target : LongTensor of shape (n,)
        Column index of each sample's class.
    """
    return F.cross_entropy(logits, target)


def soft_label_distillation_loss(student_logits, teacher_logits, temperature=4.0):
    """Soft-label distillation from the self-teacher to the student (Hinton 2015; SDDN 3.3.1).

    .. math::

        L_{KD} = \\tau^2\\, \\frac{1}{n} \\sum_i \\mathrm{KL}\\big(
            \\mathrm{softmax}(t_i / \\tau) \\,\\Vert\\, \\mathrm{softmax}(s_i / \\tau)\\big)

    The teacher's soft labels are a target: they are detached here.

    Parameters
    ----------
    student_logits, teacher_logits : Tensor of shape (n, n_classes)
    temperature : float, default=4.0
        ``tau`` (FRSKD's default).
    """
    log_p_student = F.log_softmax(student_logits / temperature, dim=1)
    log_p_teacher = F.log_softmax(teacher_logits.detach() / temperature, dim=1)
    kl = F.kl_div(log_p_student, log_p_teacher, reduction="batchmean", log_target=True)
    return temperature * max(1.0, temperature) * kl


def feature_map_distillation_loss(student_levels, teacher_levels):
    r"""Feature(-map) distillation from the self-teacher's levels to the student's (SDDN 3.3.1).

    FRSKD (Ji et al. 2021, ``distill_loss/AT.py``) distills each level's
    feature map by attention transfer: ``at(f)``, the channel mean of the
    squared map L2-normalised over positions, and the mean over samples and
    positions of ``(at(f_S) - at(f_T))^2``, summed over levels. On a pooled
    feature vector (a 1 x 1 map) ``at`` is identically 1, so skzsl reads the
    entries of a level's vector as positions with one channel:

    .. math::

        at(h) = \frac{h \odot h}{\lVert h \odot h \rVert_2}, \qquad
        L_{FD} = \sum_l \frac{1}{n d_l} \sum_i
            \big\lVert at(h^S_{l,i}) - at(h^T_{l,i}) \big\rVert_2^2

    The teacher's levels are detached (a target), as in FRSKD.

    Parameters
    ----------
    student_levels, teacher_levels : Tensor of shape (n, d) or list of them
        The levels of student and teacher, pairwise of one shape.
    """
    if isinstance(student_levels, torch.Tensor):
        student_levels, teacher_levels = [student_levels], [teacher_levels]
    total = 0.0
    for student, teacher in zip(student_levels, teacher_levels, strict=True):
        s = F.normalize(student.pow(2), dim=1)
        t = F.normalize(teacher.detach().pow(2), dim=1)
        total = total + ((s - t) ** 2).mean()
    return total


def reconstruction_loss(reconstruction, target):
    """Autoencoder reconstruction error, the mean squared error.

    .. math::

        L_{rec} = \\frac{1}{n d} \\lVert \\hat x - x \\rVert_F^2
    """
    return F.mse_loss(reconstruction, target)


def semantic_relation_matching_loss(relation_scores, target):
    """Semantic relation matching (SDGZSL Eq. 6; SDDN 3.4.2).

    The relation network scores every (latent, class semantics) pair in
    [0, 1]; matching pairs should score 1, others 0:

    .. math::

        L_{rel} = \\frac{1}{n C} \\sum_i \\sum_c \\big(R(h_i, a_c) - \\mathbb{1}[y_i = c]\\big)^2

    Parameters
    ----------
    relation_scores : Tensor of shape (n, C)
        Relation scores against the C candidate classes.
    target : LongTensor of shape (n,)
        Column of each sample's class.
    """
    onehot = F.one_hot(target, relation_scores.shape[1]).to(relation_scores.dtype)
    return F.mse_loss(relation_scores, onehot)


def total_correlation_loss(joint_scores):
    r"""The encoder's independence term against SDGZSL's TC discriminator (SDDN 3.4.3).

    SDGZSL's discriminator ``D`` outputs two sigmoid scores per latent,
    column 0 for joint pairs ``[h_sem, h_res]`` of one sample and column 1 for
    permuted pairs. The encoder minimises (``train.py`` L175-178)

    .. math::

        L_{TC} = \frac{1}{n} \sum_i \big(D_0(h_i) - D_1(h_i)\big)

    that is, it makes joint latents look like independent (permuted) ones;
    the term is bounded in [-1, 1]. SDGZSL weighs it by ``beta * gamma``,
    ``gamma`` a warm-up from 0.

    Parameters
    ----------
    joint_scores : Tensor of shape (n, 2)
        ``D`` on the joint latents.
    """
    return (joint_scores[:, 0] - joint_scores[:, 1]).mean()


def total_correlation_discriminator_loss(joint_scores, permuted_scores):
    r"""Loss of SDGZSL's TC discriminator: joint pairs are class 0, permuted pairs class 1.

    As SDGZSL's code (``train.py`` L185-193), cross-entropy applied to the
    discriminator's sigmoid scores read as logits:

    .. math::

        L_D = \mathrm{CE}(D(h), 0) + \mathrm{CE}(D(\pi(h)), 1),\quad
        \mathrm{CE}(s, k) = -\frac{1}{n}\sum_i \log
            \frac{e^{s_{i,k}}}{e^{s_{i,0}} + e^{s_{i,1}}}

    where ``pi(h)`` permutes ``h_sem`` and ``h_res`` over the samples
    independently (:func:`~skzsl.nn.generative.permute_rows` on each).

    Parameters
    ----------
    joint_scores, permuted_scores : Tensor of shape (n, 2)
    """
    joint = torch.zeros(joint_scores.shape[0], dtype=torch.long, device=joint_scores.device)
    permuted = torch.ones(permuted_scores.shape[0], dtype=torch.long,
                          device=permuted_scores.device)
    return F.cross_entropy(joint_scores, joint) + F.cross_entropy(permuted_scores, permuted)


def _cosine_matrix(a, b):
    return F.normalize(a, dim=1) @ F.normalize(b, dim=1).T


def semantic_regularization_loss(fake_class_means, real_class_means, fake_semantics,
                                 real_semantics):
    """Semantic regularization constraint on the distribution of generated features.

    The visual similarity between the mean generated feature of a class and the
    mean real feature of each seen class should equal the semantic similarity
    of their class vectors (the form of LsrGAN's semantically rectified loss,
    Vyas et al. 2020, without its tolerance band):

    .. math::

        L_{SR} = \\frac{1}{U S} \\sum_{u, s} \\big(\\cos(\\bar{\\tilde x}_u, \\bar x_s)
            - \\cos(a_u, a_s)\\big)^2

    Parameters
    ----------
    fake_class_means : Tensor of shape (U, d)
        Mean generated feature of each generated class (typically unseen).
    real_class_means : Tensor of shape (S, d)
        Mean real feature of each seen class.
    fake_semantics : Tensor of shape (U, k)
    real_semantics : Tensor of shape (S, k)
    """
    visual = _cosine_matrix(fake_class_means, real_class_means)
    semantic = _cosine_matrix(fake_semantics, real_semantics)
    return ((visual - semantic) ** 2).mean()


def semantic_preservation_loss(predicted_semantics, semantics):
    """Semantic preservation constraint: generated features map back to their semantics.

    .. math::

        L_{SP} = \\frac{1}{n} \\sum_i \\lVert R(\\tilde x_i) - a_{y_i} \\rVert_2^2

    with ``R`` the semantic regressor trained on real features.
    """
    return ((predicted_semantics - semantics) ** 2).sum(dim=1).mean()


def semantic_knowledge_distillation_loss(student_semantics, teacher_semantics, class_semantics,
                                         temperature=1.0):
    """Semantic-based knowledge distillation (Bao et al. 2025), simplest form.

    Soft labels are built in semantic space: the cosine similarity between a
    predicted semantic vector and every class vector, through a softmax at
    temperature ``tau``. The teacher (real features) passes its semantic soft
    labels to the student (generated features of the same class):

    .. math::

        p_c(r) = \\mathrm{softmax}_c\\big(\\cos(r, a_c) / \\tau\\big), \\qquad
        L_{SKD} = \\tau \\max(1, \\tau)\\, \\frac{1}{n} \\sum_i
            \\mathrm{KL}\\big(p(R(x_i)) \\,\\Vert\\, p(R(\\tilde x_i))\\big)

    The factor ``tau * max(1, tau)`` keeps the term's gradient at one scale
    whatever the temperature. With ``c`` the student's cosines, ``q`` its soft
    labels and ``p`` the teacher's, the KL's gradient with respect to ``c`` is
    ``(q - p) / tau``: the cosines are divided by ``tau``. Below ``tau = 1``
    (the temperatures that sharpen cosines, which lie in [-1, 1]) the factor
    ``tau`` leaves ``q - p``, each entry in [-1, 1] at any temperature, which
    tends as ``tau -> 0`` to the difference of the two one-hot labels. Above
    it the soft labels flatten, ``q - p`` shrinks as ``1 / tau``, and Hinton
    et al.'s ``tau^2`` holds the gradient at its limit, the centred difference
    of the student's and the teacher's cosines over the ``C`` classes divided
    by ``C``: the gradient of half the mean square of that difference, the
    form of :func:`semantic_regularization_loss`. ``tau^2`` alone would shrink
    the gradient in proportion to ``tau`` below 1 (tenfold at ``tau = 0.1``).
    No factor changes one case: teacher and student both sharp on the same
    class, where ``q - p``, and with it the term, vanishes.

    Parameters
    ----------
    student_semantics, teacher_semantics : Tensor of shape (n, k)
        Predicted semantics of generated and of real features (teacher detached).
    class_semantics : Tensor of shape (C, k)
        Class vectors the soft labels range over.
    temperature : float, default=1.0
        ``tau``.
    """
    student = _cosine_matrix(student_semantics, class_semantics) / temperature
    teacher = _cosine_matrix(teacher_semantics.detach(), class_semantics) / temperature
    kl = F.kl_div(F.log_softmax(student, dim=1), F.log_softmax(teacher, dim=1),
                  reduction="batchmean", log_target=True)
    return temperature * max(1.0, temperature) * kl
