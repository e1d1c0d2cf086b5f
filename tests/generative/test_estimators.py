"""The generative classifiers: generate-then-classify, the generator alone, losses, ablation."""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from skzsl.datasets import make_zsl_classification
from skzsl.generative import (
    CLSWGAN,
    FVAEGAN,
    TFVAEGAN,
    CLSWGANClassifier,
    FeatureGenerator,
    SDDNClassifier,
    SemanticKDClassifier,
)

from ._fast import FAST, fast_backbone

CLASSES = [CLSWGANClassifier, SDDNClassifier, SemanticKDClassifier]


@pytest.fixture(scope="module")
def data():
    return make_zsl_classification(random_state=0)


def make(cls, data, **params):
    return cls(data.class_attributes, **{**FAST[cls.__name__], **params})


@pytest.fixture(scope="module", params=CLASSES, ids=lambda c: c.__name__)
def fitted(request, data):
    return make(request.param, data).fit(data.X_train, data.y_train)


def test_scores_every_class_of_the_table(fitted, data):
    proba = fitted.predict_proba(data.X_test_unseen)
    assert proba.shape == (len(data.X_test_unseen), len(data.class_attributes))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(fitted.classes_) == sorted(data.class_attributes.index)
    assert fitted.device_ == "cpu"


def test_generator_samples_any_class_in_feature_space(fitted, data):
    gen = fitted.generator_
    assert isinstance(gen, FeatureGenerator)
    labels = [fitted.unseen_classes_[0], fitted.seen_classes_[0]]
    X = gen.sample(labels, 4, random_state=0)
    assert X.shape == (8, data.X_train.shape[1]) and X.dtype == np.float64
    np.testing.assert_array_equal(X, gen.sample(labels, 4, random_state=0))
    assert not np.allclose(X, gen.sample(labels, 4, random_state=1))
    # a sigmoid output mapped back through the min-max scaling stays in the training range
    assert np.all(X >= data.X_train.min(axis=0) - 1e-9)
    assert np.all(X <= data.X_train.max(axis=0) + 1e-9)
    with pytest.raises(ValueError, match="no row"):
        gen.sample(["not a class"], 2)


def test_history_records_every_loss(fitted):
    history = fitted.generator_net_.history
    for name in ("loss_critic", "loss_generator", "wasserstein", "loss_vae"):
        assert len(history[:, name]) == fitted.max_epochs
    assert np.isfinite(fitted.classifier_net_.history[:, "loss_classifier"]).all()


def test_classifier_is_trained_on_synthetic_unseen_features(data):
    # synthetic unseen features give the unseen classes probability mass on unseen samples
    def unseen_mass(clf):
        proba = clf.fit(data.X_train, data.y_train).predict_proba(data.X_test_unseen)
        return proba[:, np.isin(clf.classes_, clf.unseen_classes_)].sum(axis=1).mean()

    with_syn = unseen_mass(make(CLSWGANClassifier, data))
    without = unseen_mass(make(CLSWGANClassifier, data, n_synthetic_per_class=0))
    assert with_syn > 0.1 > without


@pytest.mark.parametrize("backbone", ["clswgan", "fvaegan", "tfvaegan"])
def test_backbones(data, backbone):
    clf = make(CLSWGANClassifier, data, backbone=fast_backbone(backbone), max_epochs=2)
    clf.fit(data.X_train, data.y_train)
    assert type(clf.backbone_).__name__.lower() == backbone
    row = clf.generator_net_.history[-1]
    module = clf.generator_net_.module_
    assert ("loss_vae" in row) == (backbone != "clswgan")
    assert hasattr(module, "encoder") == (backbone != "clswgan")
    assert hasattr(module, "feedback") == ("loss_decoder" in row) == (backbone == "tfvaegan")
    # L_CLS (and its pretrained classifier) only where the reference has it
    assert hasattr(clf, "pretrained_net_") == (backbone == "clswgan")
    n_att = data.class_attributes.shape[1]
    width = clf.classifier_net_.module_.linear.in_features
    assert width == data.X_train.shape[1] + (n_att + 32 if backbone == "tfvaegan" else 0)
    # the GP weight is fixed for f-CLSWGAN and adapts for the VAE backbones
    weights = set(clf.generator_net_.history[:, "batches", :, "gp_weight"][-1])
    assert (weights == {10.0}) == (backbone == "clswgan")


def test_backbone_parameters_are_validated_in_fit(data):
    clf = make(CLSWGANClassifier, data, backbone=fast_backbone(gp_weight=-1.0))
    with pytest.raises(ValueError, match="gp_weight"):
        clf.fit(data.X_train, data.y_train)
    assert not hasattr(clf, "backbone_")
    with pytest.raises(TypeError):
        CLSWGAN(encoded_noise=True)  # f-CLSWGAN has no encoder


def test_a_backbone_name_is_a_shortcut_for_its_defaults(data):
    clf = make(CLSWGANClassifier, data, backbone="tfvaegan", max_epochs=0,
               classifier_max_epochs=1)
    clf.fit(data.X_train, data.y_train)
    assert clf.backbone_.get_params() == TFVAEGAN().get_params()
    assert clf.backbone == "tfvaegan"


def test_backbone_parameters_are_nested_parameters():
    clf = SDDNClassifier(backbone=TFVAEGAN(feedback_weight=0.5))
    params = clf.get_params(deep=True)
    assert params["backbone__feedback_weight"] == 0.5
    assert params["soft_label_weight"] == 1.0
    clf.set_params(backbone__gp_weight=5.0)
    assert clf.backbone.gp_weight == 5.0
    from sklearn.base import clone

    copy = clone(clf)
    assert copy.backbone is not clf.backbone
    assert copy.get_params(deep=True)["backbone__gp_weight"] == 5.0
    # each backbone holds only its own hyperparameters, at the reference values
    assert "feedback_weight" not in FVAEGAN().get_params()
    assert "encoded_noise" not in CLSWGAN().get_params()
    assert (FVAEGAN().critic_weight, CLSWGAN().classification_weight) == (10.0, 0.01)


@pytest.mark.slow
def test_grid_search_over_backbone_and_method_parameters(data):
    from sklearn.model_selection import GridSearchCV

    from skzsl.metrics import gzsl_scorer
    from skzsl.model_selection import GZSLKFold

    clf = make(SDDNClassifier, data, backbone=fast_backbone(), max_epochs=1,
               classifier_max_epochs=2)
    grid = {"backbone__gp_weight": [1.0, 10.0], "soft_label_weight": [0.0, 1.0]}
    search = GridSearchCV(clf, grid, scoring=gzsl_scorer, refit="harmonic",
                          cv=GZSLKFold(2, random_state=0))
    search.fit(data.X_train, data.y_train)
    assert set(search.best_params_) == set(grid)
    assert len(search.cv_results_["params"]) == 4
    # the refitted estimator trained with the chosen backbone parameter
    chosen = search.best_params_["backbone__gp_weight"]
    assert search.best_estimator_.backbone_.gp_weight == chosen


def test_float32_features_scaled_just_past_one_train(data):
    # MinMaxScaler on these float32 features rounds some maxima to 1 + 1e-7, which the
    # VAE's binary cross-entropy refused (seen on features from ImageFeatureExtractor)
    rng = np.random.RandomState(1)
    X = rng.gamma(2.0, 3.0, size=data.X_train.shape).astype(np.float32)
    clf = make(CLSWGANClassifier, data, backbone="fvaegan", max_epochs=1,
               classifier_max_epochs=1)
    assert clf.fit(X, data.y_train).scaler_.transform(X).max() > 1
    assert clf.predict(X[:5]).shape == (5,)


def test_unscaled_features_use_a_linear_generator(data):
    clf = make(CLSWGANClassifier, data, backbone=fast_backbone(feature_scaling=None),
               max_epochs=2)
    clf.fit(data.X_train, data.y_train)
    assert clf.scaler_ is None
    assert not isinstance(clf.generator_net_.module_.generator.net[-1], torch.nn.Sigmoid)


SDDN_TERMS = {
    "soft_label_weight": ("loss_soft_label", "loss_generated_soft_label"),
    "feature_map_weight": ("loss_feature_map",),
    "reconstruction_weight": ("loss_reconstruction",),
    "relation_weight": ("loss_relation",),
    "independence_weight": ("loss_independence", "loss_tc_discriminator"),
    "generated_classification_weight": ("loss_generated_classification",),
}

SKD_TERMS = {
    "regularization_weight": ("loss_regularization",),
    "preservation_weight": ("loss_preservation",),
    "distillation_weight": ("loss_distillation",),
}


@pytest.mark.parametrize("cls, weight, losses",
                         [(SDDNClassifier, w, t) for w, t in SDDN_TERMS.items()]
                         + [(SemanticKDClassifier, w, t) for w, t in SKD_TERMS.items()],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_each_term_switches_off_with_a_zero_weight(data, cls, weight, losses):
    # two epochs: SDDN's independence term warms up from 0 in the first
    on = make(cls, data, max_epochs=2).fit(data.X_train, data.y_train).generator_net_.history[-1]
    off = make(cls, data, max_epochs=2, **{weight: 0.0}).fit(data.X_train,
                                                          data.y_train).generator_net_.history[-1]
    for loss in losses:
        assert np.isfinite(on[loss])
        assert loss not in off


def test_weights_change_the_model(data):
    base = make(SDDNClassifier, data).fit(data.X_train, data.y_train)
    other = make(SDDNClassifier, data, soft_label_weight=0.0).fit(data.X_train, data.y_train)
    assert not np.allclose(base.predict_proba(data.X_test_seen),
                           other.predict_proba(data.X_test_seen))


class _SpyEmbedding(Callback):
    """Records, during fit, how many classes the student scores (a public callback)."""

    def __init__(self):
        self.scored_classes = []

    def on_train_begin(self, net, **kwargs):
        if hasattr(net.module_, "embedding"):
            net.module_.embedding.register_forward_hook(
                lambda m, args, out: self.scored_classes.append(args[1].shape[0]))


@pytest.mark.parametrize("refine_unseen", [True, False])
def test_sddn_refines_generated_unseen_features(data, refine_unseen):
    spy = _SpyEmbedding()
    params = {**FAST["SDDNClassifier"], "max_epochs": 1, "refine_unseen": refine_unseen}
    clf = SDDNClassifier(data.class_attributes, callbacks=[spy], **params)
    clf.fit(data.X_train, data.y_train)
    expected = len(clf.classes_) if refine_unseen else len(clf.seen_classes_)
    assert set(spy.scored_classes) == {expected}


def test_sddn_refine_unseen_without_unseen_classes(data):
    # one-hot semantics: every class is seen, refinement falls back to the seen classes
    spy = _SpyEmbedding()
    clf = SDDNClassifier(None, callbacks=[spy], **{**FAST["SDDNClassifier"], "max_epochs": 1,
                                                    "refine_unseen": True})
    clf.fit(data.X_train, data.y_train)
    assert set(spy.scored_classes) == {len(clf.seen_classes_)}


@pytest.mark.parametrize("fusion", ["visual+refined+semantic", "refined+semantic",
                                    "visual+semantic", "semantic", "visual"])
def test_sddn_classifier_reads_fused_features(data, fusion):
    clf = make(SDDNClassifier, data, fusion=fusion).fit(data.X_train, data.y_train)
    params = FAST["SDDNClassifier"]
    sizes = {"visual": data.X_train.shape[1], "refined": params["embedding_dim"],
             "semantic": params["latent_dim"]}
    parts = fusion.split("+")
    assert clf.classifier_net_.module_.linear.in_features == sum(sizes[p] for p in parts)
    fused = clf.classifier_input(data.X_test_seen[:4])
    X = torch.as_tensor(clf.scaler_.transform(data.X_test_seen[:4]))
    with torch.no_grad():
        refined = clf.generator_net_.module_.embedding.embed(X)
        expected = {"visual": X, "refined": refined,
                    "semantic": clf.generator_net_.module_.autoencoder.encode(X)[0]}
    # the parts, in the order fusion names them
    offset = 0
    for part in parts:
        np.testing.assert_allclose(fused[:, offset:offset + sizes[part]],
                                   expected[part].numpy())
        offset += sizes[part]


def test_semantic_kd_without_unseen_classes(data):
    # one-hot semantics: every class is seen, the constraints use the batch's classes
    clf = make(SemanticKDClassifier, data, max_epochs=2).set_params(class_attributes=None)
    clf.fit(data.X_train, data.y_train)
    assert len(clf.unseen_classes_) == 0
    assert np.isfinite(clf.generator_net_.history[-1]["loss_regularization"])


def test_cuda_without_a_gpu_is_a_clear_error(data):
    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(ValueError, match="CUDA is not available"):
        make(CLSWGANClassifier, data, device="cuda").fit(data.X_train, data.y_train)


def test_bad_parameter_is_reported(data):
    with pytest.raises(ValueError, match="backbone"):
        make(CLSWGANClassifier, data, backbone="diffusion").fit(data.X_train, data.y_train)


def test_pickle_round_trip(fitted, data):
    import pickle

    clone = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(clone.predict_proba(data.X_test_seen),
                                  fitted.predict_proba(data.X_test_seen))


def test_standardised_semantics(data):
    clf = make(CLSWGANClassifier, data, backbone=fast_backbone(semantic_scaling="standard"),
               max_epochs=1)
    clf.fit(data.X_train, data.y_train)
    semantics = clf.generator_net_.module_.class_semantics.numpy()
    np.testing.assert_allclose(semantics.mean(axis=0), 0.0, atol=1e-6)
    np.testing.assert_allclose(semantics.std(axis=0), 1.0, rtol=1e-6)


def test_presets_follow_the_reference_scripts():
    from skzsl.generative import SDDNClassifier, generative_preset

    # scripts/run_sun_tfvaegan.py and run_awa_tfvaegan.py of the official code
    sun = generative_preset("SUN", "tfvaegan")
    bb = sun["backbone"]
    assert isinstance(bb, TFVAEGAN)
    assert (bb.lr, bb.critic_weight, bb.feedback_weight, bb.synthesis_feedback_weight,
            sun["n_synthetic_per_class"], sun["classifier_lr"]) == (1e-3, 1.0, 0.1, 0.01, 400,
                                                                    5e-4)
    assert generative_preset("awa", "tfvaegan")["backbone"].freeze_decoder is True
    assert generative_preset("FLO", "fvaegan")["backbone"].encoded_noise is False
    assert isinstance(generative_preset("CUB", "fvaegan")["backbone"], FVAEGAN)
    # f-CLSWGAN's L_CLS weight belongs to its backbone, whatever the method
    assert CLSWGANClassifier.from_preset("FLO").backbone.classification_weight == 0.1
    assert SDDNClassifier.from_preset("CUB").backbone.classification_weight == 0.01
    assert SDDNClassifier.from_preset("CUB").generated_classification_weight == 0.1
    assert isinstance(SDDNClassifier.from_preset("CUB", backbone="fvaegan").backbone, FVAEGAN)
    est = CLSWGANClassifier.from_preset("SUN", backbone="tfvaegan", max_epochs=1)
    assert (est.max_epochs, est.random_state, type(est.backbone)) == (1, 4115, TFVAEGAN)
    # the presets' default backbone is the estimators'
    assert type(generative_preset("CUB")["backbone"]).__name__.lower() == \
        CLSWGANClassifier().backbone
    with pytest.raises(ValueError, match="Unknown dataset"):
        generative_preset("APY")


def test_tfvaegan_trains_the_feedback_module_in_its_second_pass(data):
    import torch

    # an epoch is two passes over the batches; only the second runs through the feedback
    clf = make(CLSWGANClassifier, data, backbone=fast_backbone("tfvaegan"), max_epochs=1)
    clf.fit(data.X_train, data.y_train)
    net = clf.generator_net_
    n_iterations = -(-len(data.X_train) // net.batch_size)
    assert len(net.history[-1, "batches"]) == 2 * n_iterations
    # same seed, no epoch: the initial weights; the feedback module has moved from them
    start = make(CLSWGANClassifier, data, backbone=fast_backbone("tfvaegan"), max_epochs=0)
    start.fit(data.X_train, data.y_train)
    before = start.generator_net_.module_.feedback.net[0].weight
    assert not torch.allclose(before, net.module_.feedback.net[0].weight)
    # feedback at synthesis: a2 = 0 gives other features than a2 = 1
    features = clf.generator_.sample(clf.unseen_classes_[:1], 4, random_state=0)
    net.settings_["synthesis_feedback_weight"] = 0.0
    plain = clf.generator_.sample(clf.unseen_classes_[:1], 4, random_state=0)
    assert not np.allclose(features, plain)


@pytest.mark.parametrize("backbone", ["fvaegan", "tfvaegan"])
def test_all_zero_feature_rows_are_legal_input(data, backbone):
    # images with no attribute marked give all-zero rows; TF-VAEGAN's decoder maps such a
    # row to 0 at initialisation, whose normalisation used to be 0 / 0
    X = data.X_train.copy()
    X[::10] = 0.0
    clf = make(CLSWGANClassifier, data, backbone=fast_backbone(backbone), max_epochs=2)
    clf.fit(X, data.y_train)
    history = clf.generator_net_.history
    assert np.isfinite(history[:, "train_loss"]).all()
    assert np.isfinite(clf.predict_proba(X)).all()


def test_sddn_discriminator_learns_from_the_generator_steps_latents(data, monkeypatch):
    # SDGZSL (train.py L183-197): in one iteration out of four the TC discriminator
    # learns from the latents that step computed, of the generated and of the real
    # batch, each permuted on its own; in the other three the independence term acts
    from skzsl.generative import _sddn

    produced, seen_by_discriminator, steps = [], [], []
    terms = _sddn.disentanglement_terms
    loss = _sddn.batchwise_tc_discriminator_loss

    def record_terms(*args, **kwargs):
        latents, more = terms(*args, **kwargs)
        produced.append((latents, kwargs["independence"]))
        return latents, more

    def record_loss(discriminator, latents):
        seen_by_discriminator.extend(latents)
        return loss(discriminator, latents)

    monkeypatch.setattr(_sddn, "disentanglement_terms", record_terms)
    monkeypatch.setattr(_sddn, "batchwise_tc_discriminator_loss", record_loss)
    clf = make(SDDNClassifier, data, max_epochs=1, callbacks=[_Spy(steps)])
    clf.fit(data.X_train, data.y_train)
    n_steps = len(steps)
    assert n_steps >= 5
    # two disentangler passes (generated, then real) per step
    assert len(produced) == 2 * n_steps
    turns = [i for i in range(n_steps) if i % 4 == 0]
    assert [not independence for _, independence in produced[::2]] == [
        i in turns for i in range(n_steps)]
    expected = [latent for i in turns for latent, _ in produced[2 * i:2 * i + 2]]
    assert len(seen_by_discriminator) == len(expected)
    for (h_sem, h_res), (want_sem, want_res) in zip(seen_by_discriminator, expected,
                                                    strict=True):
        assert h_sem is want_sem and h_res is want_res
    history = clf.generator_net_.history
    assert "loss_tc_discriminator" in history[-1]["batches"][0]


class _Spy(Callback):
    def __init__(self, steps):
        self.steps = steps

    def on_batch_end(self, net, batch=None, training=None, **kwargs):
        from skzsl.generative._sddn import SDDNNet

        if training and isinstance(net, SDDNNet):  # not the final classifier's steps
            self.steps.append(1)
