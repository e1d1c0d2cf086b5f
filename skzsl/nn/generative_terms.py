"""Loss assembly of the generative family: the weighted terms of a module on a batch.

Each function runs one network (or a few) of a method on a batch and returns
its weighted loss terms by name, built from :mod:`skzsl.nn.generative_losses`;
a weight of 0 leaves its term out. The skorch nets of :mod:`skzsl.generative`
and the transformers share them, so one formula serves both.
"""

import torch

from .generative import permute_rows
from .generative_losses import (
    classification_loss,
    feature_map_distillation_loss,
    reconstruction_loss,
    semantic_relation_matching_loss,
    soft_label_distillation_loss,
    total_correlation_discriminator_loss,
    total_correlation_loss,
)

__all__ = ["class_means", "self_distillation_terms", "disentanglement_terms",
           "tc_discriminator_loss", "batchwise_tc_discriminator_loss"]


def class_means(features, target):
    """Mean feature of each class present in ``target``, and those classes.

    Parameters
    ----------
    features : Tensor of shape (n, d)
    target : Tensor of shape (n,)
        Class positions.

    Returns
    -------
    means : Tensor of shape (n_present, d)
    classes : Tensor of shape (n_present,)
        The sorted classes present, one per row of ``means``.
    """
    classes, column = torch.unique(target, return_inverse=True)
    sums = torch.zeros(classes.shape[0], features.shape[1], dtype=features.dtype,
                       device=features.device).index_add_(0, column, features)
    counts = torch.bincount(column, minlength=classes.shape[0]).to(features.dtype)
    return sums / counts[:, None], classes


def self_distillation_terms(embedding, features, target, class_semantics, weights):
    """Weighted losses of the self-distillation embedding module on a batch.

    Student and self-teacher both learn the class (cross-entropy over the
    classes of ``class_semantics``); the teacher's soft labels and features
    then supervise the student.

    Parameters
    ----------
    embedding : SelfDistillationEmbedding
    features : Tensor of shape (n, n_features)
    target : Tensor of shape (n,)
        Rows of ``class_semantics``.
    class_semantics : Tensor of shape (n_classes, n_attributes)
    weights : dict
        ``soft_label``, ``feature_map`` and ``temperature``.

    Returns
    -------
    out : dict of str to Tensor
        The module's output.
    terms : dict of str to scalar Tensor
        ``loss_student``, ``loss_teacher`` and the weighted distillation terms.
    """
    out = embedding(features, class_semantics)
    terms = {
        "loss_student": classification_loss(out["student_logits"], target),
        "loss_teacher": classification_loss(out["teacher_logits"], target),
    }
    if weights["soft_label"]:
        terms["loss_soft_label"] = weights["soft_label"] * soft_label_distillation_loss(
            out["student_logits"], out["teacher_logits"], weights["temperature"])
    if weights["feature_map"]:
        terms["loss_feature_map"] = weights["feature_map"] * feature_map_distillation_loss(
            out["student_levels"], out["teacher_levels"])
    return out, terms


def disentanglement_terms(autoencoder, relation, tc_discriminator, features, target,
                          class_semantics, weights, reconstruction_target=None,
                          independence=True):
    """Weighted losses of the disentanglement network on a batch (SDGZSL's terms).

    The autoencoder reconstructs ``reconstruction_target`` (SDGZSL: the real
    feature, also from a generated one), the relation network matches the
    semantic-consistent latent against the semantics of the classes present
    in the batch, and the encoder makes the two latents look independent to
    the TC discriminator.

    Parameters
    ----------
    autoencoder : DisentangledAutoencoder
    relation : RelationNet
    tc_discriminator : TCDiscriminator
    features : Tensor of shape (n, n_features)
    target : Tensor of shape (n,)
        Rows of ``class_semantics``.
    class_semantics : Tensor of shape (n_classes, n_attributes)
    weights : dict
        ``reconstruction``, ``relation`` and ``independence`` (the latter
        already multiplied by any warm-up).
    reconstruction_target : Tensor of shape (n, n_out), default=None
        What the autoencoder reconstructs; ``None`` is ``features``.
    independence : bool, default=True
        Whether the independence term is on in this step (SDGZSL leaves it out
        of the steps in which the discriminator trains).

    Returns
    -------
    latents : tuple of Tensor
        ``(h_sem, h_res)``.
    terms : dict of str to scalar Tensor
        The weighted terms whose weight is not 0.
    """
    h_sem, h_res, recon = autoencoder(features)
    terms = {}
    if weights["reconstruction"]:
        goal = features if reconstruction_target is None else reconstruction_target
        terms["loss_reconstruction"] = (weights["reconstruction"]
                                        * reconstruction_loss(recon, goal))
    if weights["relation"]:
        classes, column = torch.unique(target, return_inverse=True)
        scores = relation(h_sem, class_semantics[classes])
        terms["loss_relation"] = weights["relation"] * semantic_relation_matching_loss(
            scores, column)
    if weights["independence"] and independence:
        joint = tc_discriminator(torch.cat([h_sem, h_res], dim=1))
        terms["loss_independence"] = weights["independence"] * total_correlation_loss(joint)
    return (h_sem, h_res), terms


def tc_discriminator_loss(tc_discriminator, h_sem, h_res):
    """The TC discriminator's loss on detached latents: joint vs. permuted pairs (SDGZSL).

    The two parts are permuted over the samples independently, as in
    SDGZSL's ``utils.permute_dims``.

    Parameters
    ----------
    tc_discriminator : TCDiscriminator
    h_sem, h_res : Tensor of shape (n, d_sem) and (n, d_res)

    Returns
    -------
    loss : scalar Tensor
    """
    h_sem, h_res = h_sem.detach(), h_res.detach()
    joint = tc_discriminator(torch.cat([h_sem, h_res], dim=1))
    permuted = tc_discriminator(torch.cat([permute_rows(h_sem), permute_rows(h_res)], dim=1))
    return total_correlation_discriminator_loss(joint, permuted)


def batchwise_tc_discriminator_loss(tc_discriminator, latents):
    """The TC discriminator's loss over several batches, each permuted on its own (SDGZSL).

    SDGZSL (``train.py`` L183-193) steps its discriminator on the latents of
    the generated and of the real batch, permuting within each batch, and
    sums the two losses at weight ``dis`` (0.5 in its SUN script): the mean of
    :func:`tc_discriminator_loss` over the batches. A permuted pair thus never
    joins the latents of two batches.

    Parameters
    ----------
    tc_discriminator : TCDiscriminator
    latents : sequence of (Tensor, Tensor)
        ``(h_sem, h_res)`` of each batch; permuted in this order.

    Returns
    -------
    loss : scalar Tensor
    """
    return sum(tc_discriminator_loss(tc_discriminator, h_sem, h_res)
               for h_sem, h_res in latents) / len(latents)
