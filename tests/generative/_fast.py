"""Settings that keep the generative estimators quick in tests (tiny nets, few epochs)."""

from skzsl.generative import CLSWGAN, FVAEGAN, TFVAEGAN

_KINDS = {"clswgan": CLSWGAN, "fvaegan": FVAEGAN, "tfvaegan": TFVAEGAN}


def fast_backbone(kind="fvaegan", **params):
    """A fresh backbone object with tiny networks (``params`` override)."""
    return _KINDS[kind](**{"hidden_dim": 32, "n_critic": 1, "batch_size": 32, "lr": 1e-3,
                           **params})


BACKBONE = dict(backbone=fast_backbone(), max_epochs=5, n_synthetic_per_class=20,
                classifier_max_epochs=20, classifier_batch_size=32, classifier_lr=5e-2,
                verbose=0, random_state=0, device="cpu")

FAST = {
    "CLSWGANClassifier": BACKBONE,
    "SDDNClassifier": dict(BACKBONE, hidden_dim=32, embedding_dim=16, latent_dim=8),
    "SemanticKDClassifier": dict(BACKBONE, hidden_dim=32),
    "SelfDistillationRefiner": dict(embedding_dim=8, hidden_dim=16, max_epochs=5, verbose=0,
                                    random_state=0, device="cpu"),
    "VisualSemanticDisentangler": dict(semantic_dim=4, residual_dim=4, hidden_dim=16, max_epochs=5,
                                       verbose=0, random_state=0, device="cpu"),
}
