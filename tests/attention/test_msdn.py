"""MSDNClassifier and MSDNPlusPlusClassifier: inputs, semantics, training, presets."""

import warnings

import numpy as np
import pytest

from skzsl.attention import MSDNClassifier, MSDNPlusPlusClassifier, msdn_preset
from skzsl.datasets import load_digits_zsl, make_zsl_classification
from skzsl.semantics import ClassAttributes

FAST = dict(max_epochs=3, batch_size=64, lr=1e-2, verbose=0, random_state=0, device="cpu")
ESTIMATORS = [MSDNClassifier, MSDNPlusPlusClassifier]


@pytest.fixture(scope="module")
def regions():
    return make_zsl_classification(n_samples=240, n_features=12, n_classes=8,
                                   n_unseen_classes=3, n_attributes=6, n_regions=5,
                                   noise=0.05, random_state=0)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_input_ranks_are_views_of_the_same_regions(Est, regions):
    X = regions.X_train.astype(np.float32)
    est = Est(class_attributes=regions.class_attributes, **FAST)
    scores_3d = est.fit(X, regions.y_train).decision_function(X[:10])
    channel_first = X.transpose(0, 2, 1).reshape(len(X), X.shape[2], 5, 1)
    scores_4d = est.fit(channel_first, regions.y_train).decision_function(channel_first[:10])
    np.testing.assert_allclose(scores_3d, scores_4d, rtol=1e-5, atol=1e-5)
    assert (est.n_regions_, est.region_dim_) == (5, 12)


def test_two_dimensional_input_is_one_region():
    X = np.random.RandomState(0).rand(20, 6)
    y = np.arange(20) % 2
    est = MSDNClassifier(**FAST).fit(X, y)
    assert est.n_regions_ == 1 and est.region_dim_ == 6
    assert est.predict(X).shape == (20,)


def test_bad_shapes_fail_clearly(regions):
    est = MSDNClassifier(class_attributes=regions.class_attributes, **FAST)
    with pytest.raises(ValueError, match=r"expects X of shape \(n_samples, n_regions"):
        est.fit(np.zeros((10, 2, 3, 4, 5)), np.zeros(10, dtype=int))
    est.fit(regions.X_train, regions.y_train)
    with pytest.raises(ValueError, match="was fitted on 5 regions of 12 features"):
        est.predict(regions.X_train[:, :, :6])
    # fewer regions: the error speaks of regions, not of "features" as scikit-learn's would
    with pytest.raises(ValueError, match="X has 3 regions of 12 features each, but "
                                         "MSDNClassifier was fitted on 5 regions"):
        est.predict(regions.X_train[:, :3, :])


def test_attribute_embeddings_sources(regions):
    table = regions.class_attributes
    w2v = np.random.RandomState(0).randn(table.shape[1], 7)
    est = MSDNClassifier(class_attributes=table, attribute_embeddings=w2v, **FAST)
    assert est.fit(regions.X_train, regions.y_train).attribute_embeddings_.shape == (6, 7)
    attached = ClassAttributes.from_frame(table, attribute_embeddings=w2v)
    est = MSDNClassifier(class_attributes=attached, **FAST).fit(regions.X_train, regions.y_train)
    np.testing.assert_allclose(est.attribute_embeddings_, w2v, rtol=1e-6)
    est = MSDNClassifier(class_attributes=table, **FAST).fit(regions.X_train, regions.y_train)
    np.testing.assert_array_equal(est.attribute_embeddings_, np.eye(6))
    with pytest.raises(ValueError, match="attribute_embeddings must have shape"):
        MSDNClassifier(class_attributes=table, attribute_embeddings=w2v[:4], **FAST).fit(
            regions.X_train, regions.y_train)


def test_losses_are_recorded_in_the_history(regions):
    est = MSDNPlusPlusClassifier(class_attributes=regions.class_attributes, **FAST)
    history = est.fit(regions.X_train, regions.y_train).net_.history
    for name in ("loss_ce", "loss_calibration", "loss_distillation", "loss_effect"):
        assert len(history[:, name]) == FAST["max_epochs"]
    total = sum(history[-1, name] for name in
                ("loss_ce", "loss_calibration", "loss_distillation", "loss_effect"))
    assert history[-1, "train_loss"] == pytest.approx(total, rel=1e-5)


@pytest.mark.parametrize("Est", [MSDNClassifier, MSDNPlusPlusClassifier])
def test_attribute_regression_loss_is_recorded_and_trains(Est, regions):
    table = regions.class_attributes
    data = (regions.X_train, regions.y_train)
    est = Est(class_attributes=table, regression_weight=1.0, **FAST).fit(*data)
    history = est.net_.history
    names = [n for n in est.net_.loss_names if n in history[-1]]
    assert "loss_regression" in names and history[-1, "loss_regression"] > 0
    assert history[-1, "train_loss"] == pytest.approx(
        sum(history[-1, n] for n in names), rel=1e-5)
    plain = Est(class_attributes=table, **FAST).fit(*data)
    assert "loss_regression" not in plain.net_.history[-1]
    assert not np.allclose(est.decision_function(regions.X_test_unseen),
                           plain.decision_function(regions.X_test_unseen))


def test_attribute_regression_brings_attribute_scores_to_the_class_table(regions):
    import torch

    table = regions.class_attributes
    data = (regions.X_train, regions.y_train)

    def error(est):
        module = est.net_.module_.eval()
        with torch.no_grad():
            out = module(torch.as_tensor(regions.X_train))
        idx = np.searchsorted(est.classes_, regions.y_train)
        target = module.embeddings.class_table[torch.as_tensor(idx)]
        return float((out["av_attributes"] - target).pow(2).mean())

    params = dict(FAST, max_epochs=5)
    on = MSDNClassifier(class_attributes=table, regression_weight=10.0, **params).fit(*data)
    off = MSDNClassifier(class_attributes=table, **params).fit(*data)
    assert error(on) < error(off)


def test_causal_weight_zero_is_msdn(regions):
    data = (regions.X_train, regions.y_train)
    table = regions.class_attributes
    plain = MSDNClassifier(class_attributes=table, **FAST).fit(*data)
    causal_off = MSDNPlusPlusClassifier(class_attributes=table, causal_weight=0.0,
                                        **FAST).fit(*data)
    causal_on = MSDNPlusPlusClassifier(class_attributes=table, **FAST).fit(*data)
    X = regions.X_test_unseen
    np.testing.assert_allclose(plain.decision_function(X), causal_off.decision_function(X))
    assert not np.allclose(plain.decision_function(X), causal_on.decision_function(X))


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_fit_is_reproducible(Est, regions):
    est = Est(class_attributes=regions.class_attributes, **FAST)
    first = est.fit(regions.X_train, regions.y_train).decision_function(regions.X_test_unseen)
    second = est.fit(regions.X_train, regions.y_train).decision_function(regions.X_test_unseen)
    np.testing.assert_array_equal(first, second)


def test_attention_maps(regions):
    est = MSDNClassifier(class_attributes=regions.class_attributes, **FAST)
    maps = est.fit(regions.X_train, regions.y_train).attention_maps(regions.X_test_unseen[:4])
    assert maps["attribute_to_visual"].shape == (4, 5, 6)
    np.testing.assert_allclose(maps["attribute_to_visual"].sum(1), 1, rtol=1e-5)
    np.testing.assert_allclose(maps["visual_to_attribute"].sum(2), 1, rtol=1e-5)


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_attention_finds_the_attribute_regions(Est, regions):
    """Each attribute shows in one region; unseen classes are recognised from semantics."""
    est = Est(class_attributes=regions.class_attributes, **{**FAST, "max_epochs": 15},
              candidates="unseen").fit(regions.X_train, regions.y_train)
    accuracy = np.mean(est.predict(regions.X_test_unseen) == regions.y_test_unseen)
    assert accuracy > 1.5 / len(regions.unseen_classes)


def test_runs_on_digit_regions():
    data = load_digits_zsl(return_regions=True)
    assert data.X_trainval.ndim == 3
    est = MSDNClassifier(class_attributes=data.class_attributes, candidates="unseen",
                         **{**FAST, "max_epochs": 6, "lr": 1e-2})
    est.fit(data.X_trainval[::2], data.y_trainval[::2])
    accuracy = np.mean(est.predict(data.X_test_unseen) == data.y_test_unseen)
    assert accuracy > 1 / 3


def test_presets():
    assert msdn_preset("CUB")["distillation_weight"] == 1e-3
    assert msdn_preset("awa")["fusion_weight"] == 1.0
    est = MSDNPlusPlusClassifier.from_preset("SUN", verbose=0, max_epochs=2)
    assert (est.calibration_weight, est.max_epochs, est.seen_bias) == (1e-4, 2, 2.0)
    assert est.causal_weight == 1.0
    with pytest.raises(ValueError, match="Unknown MSDN preset 'FLO'"):
        msdn_preset("FLO")


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_position_embedding_tells_where_a_pattern_is(Est):
    """Classes that differ only by where the same pattern lies: only positions can tell."""
    rng = np.random.RandomState(0)
    n, R, f = 300, 3, 4
    pattern, background = rng.rand(2, f)
    X = np.tile(background, (n, R, 1)) + 0.05 * rng.randn(n, R, f)
    y = np.arange(n) % R
    X[np.arange(n), y] = pattern + 0.05 * rng.randn(n, f)
    X = X.astype(np.float32)
    params = {**FAST, "max_epochs": 20}
    without = Est(**params).fit(X, y)
    assert without.n_regions_ == R and without.net_.module_.position is None
    assert np.mean(without.predict(X) == y) < 0.5       # the regions are a set: chance
    with_pos = Est(position_embedding=True, **params).fit(X, y)
    assert with_pos.net_.module_.position.weight.shape == (R, f)
    assert np.mean(with_pos.predict(X) == y) > 0.9


@pytest.mark.parametrize("Est", ESTIMATORS)
def test_read_only_memmap_is_read_in_place(Est, tmp_path, regions):
    """Region features larger than memory: a read-only np.memmap is not copied whole."""
    X = regions.X_train.astype(np.float32)
    path = tmp_path / "regions.dat"
    writer = np.memmap(path, dtype=np.float32, mode="w+", shape=X.shape)
    writer[:] = X
    writer.flush()
    mapped = np.memmap(path, dtype=np.float32, mode="r", shape=X.shape)
    est = Est(class_attributes=regions.class_attributes, **FAST)
    validated, _ = est._validate_X(mapped, reset=True, y=regions.y_train)
    assert np.shares_memory(validated, mapped)          # validation made no copy
    with warnings.catch_warnings():
        warnings.simplefilter("error")                   # no "non-writable" torch warning
        from_disk = est.fit(mapped, regions.y_train).decision_function(mapped)
    in_memory = Est(class_attributes=regions.class_attributes, **FAST).fit(
        X, regions.y_train).decision_function(X)
    np.testing.assert_array_equal(from_disk, in_memory)
