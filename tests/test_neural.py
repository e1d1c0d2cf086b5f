"""What every neural estimator shares: skorch nets, objectives, persistence, validation."""

import io
import pickle
import warnings
from unittest.mock import patch

import numpy as np
import pytest
import torch
from generative._fast import FAST, fast_backbone  # tests/ is on sys.path

from skzsl._training import EpochProgressBar, MultiOptimizerNet, resolve_device
from skzsl.attention import MSDNClassifier
from skzsl.datasets import make_zsl_classification
from skzsl.embedding import ESZSLClassifier
from skzsl.generative import CLSWGANClassifier, SDDNClassifier, VisualSemanticDisentangler

MSDN_FAST = dict(max_epochs=2, batch_size=64, lr=1e-2, verbose=0, random_state=0,
                 device="cpu")


@pytest.fixture(scope="module")
def flat():
    return make_zsl_classification(random_state=0)


@pytest.fixture(scope="module")
def regions():
    return make_zsl_classification(n_samples=120, n_features=8, n_classes=6,
                                   n_unseen_classes=2, n_attributes=5, n_regions=3,
                                   random_state=0)


def _make(name, flat, regions, **params):
    if name == "MSDNClassifier":
        return MSDNClassifier(regions.class_attributes, **{**MSDN_FAST, **params}), regions
    cls = {"CLSWGANClassifier": CLSWGANClassifier, "SDDNClassifier": SDDNClassifier,
           "VisualSemanticDisentangler": VisualSemanticDisentangler}[name]
    fast = FAST[name]
    if "classifier_max_epochs" in fast:     # the final classifier's accuracy plays no part here
        fast = {**fast, "classifier_max_epochs": 2}
    return cls(flat.class_attributes, **{**fast, **params}), flat


def _nets(est):
    return {name: value for name, value in vars(est).items() if name.endswith("net_")}


def _output(est, X):
    return est.transform(X) if hasattr(est, "transform") else est.predict_proba(X)


# --- one objective per step ---------------------------------------------------------

@pytest.mark.parametrize("name, n_critic", [("CLSWGANClassifier", 3), ("SDDNClassifier", 1),
                                            ("MSDNClassifier", None),
                                            ("VisualSemanticDisentangler", None)])
def test_train_loss_is_the_optimised_objective(name, n_critic, flat, regions):
    # every update records (net, group, loss); a step's train_loss must be the loss the
    # net's main group optimised in that step, not a sum of every term
    calls = []
    update = MultiOptimizerNet.update

    def spy(net, group, loss, **kwargs):
        # a loss is a tensor or a dict of named terms, which update sums
        total = sum(loss.values()) if isinstance(loss, dict) else loss
        calls.append((id(net), group, float(total.detach())))
        update(net, group, loss, **kwargs)

    extra = {} if n_critic is None else {"backbone": fast_backbone(n_critic=n_critic),
                                         "max_epochs": 2}
    est, data = _make(name, flat, regions, **extra)
    with patch.object(MultiOptimizerNet, "update", spy):
        est.fit(data.X_train, data.y_train)
    nets = _nets(est)
    assert nets
    for net in nets.values():
        main = net.objective or net._group_names()[0]
        optimised = [value for net_id, group, value in calls if net_id == id(net)
                     and group == main]
        batches = [batch for epoch in net.history for batch in epoch["batches"]]
        recorded = [batch["train_loss"] for batch in batches]
        # every step trained on a finite loss (NaN or inf is a diverged fit, not a number)
        assert recorded and np.isfinite(recorded).all()
        np.testing.assert_allclose(recorded, optimised, rtol=1e-6)
        # an epoch's train_loss is the mean of its steps' losses weighted by batch size,
        # as skorch computes it: it is the main group's objective at the epoch level too
        for epoch in net.history:
            sizes = [batch["train_batch_size"] for batch in epoch["batches"]]
            steps = [batch["train_loss"] for batch in epoch["batches"]]
            assert epoch["train_loss"] == pytest.approx(np.average(steps, weights=sizes))
        np.testing.assert_allclose(net.history[:, "train_loss"],
                                   net.history[:, f"objective_{main}"], rtol=1e-6)
        # the other groups are in the history under their own names (but those stepped
        # only with another group, on its loss)
        for group in set(net._group_names()) - set(net.joint_groups):
            assert np.isfinite(net.history[:, f"objective_{group}"]).all()
    if n_critic is not None:
        net = est.generator_net_
        assert net.objective == "generator"
        batches = [batch for epoch in net.history for batch in epoch["batches"]]
        critic = [value for net_id, group, value in calls
                  if net_id == id(net) and group == "critic"]
        # n_critic critic updates per generator update; a batch's critic objective is
        # their mean (in every batch, not only the first)
        assert len(critic) == n_critic * len(batches)
        np.testing.assert_allclose([batch["objective_critic"] for batch in batches],
                                   np.mean(np.reshape(critic, (-1, n_critic)), axis=1),
                                   rtol=1e-6)
        # train_loss is the generator's objective alone, step by step: neither the
        # critic's nor a sum of every recorded term
        np.testing.assert_allclose([batch["train_loss"] for batch in batches],
                                   [batch["objective_generator"] for batch in batches],
                                   rtol=1e-6)


def test_progress_bar_shows_critic_and_generator_apart():
    class Net:
        history = [{"objective_critic": -1.5, "objective_generator": 2.25, "train_loss": 2.25}]

    class Bar:
        def set_postfix(self, postfix, refresh):
            self.postfix = postfix

        def update(self, n):
            pass

    callback = EpochProgressBar()
    callback.bar_ = Bar()
    callback.on_epoch_end(Net())
    assert callback.bar_.postfix == {"critic": "-1.5", "generator": "2.25"}
    Net.history = [{"objective_all": 0.5, "train_loss": 0.5}]
    callback.on_epoch_end(Net())
    assert callback.bar_.postfix == {"loss": "0.5"}


# --- nets as fitted attributes, persistence ------------------------------------------

NAMES = ["CLSWGANClassifier", "MSDNClassifier", "VisualSemanticDisentangler"]


@pytest.mark.filterwarnings("ignore:Setting self.device = cpu")
@pytest.mark.parametrize("name", NAMES)
def test_a_pickle_whose_nets_say_cuda_loads_without_cuda(name, flat, regions):
    # as skorch's own test: a net pickled with device "cuda" loads on a machine without
    # CUDA, on the CPU, with skorch's warning; the estimator follows (device_ == "cpu")
    est, data = _make(name, flat, regions, max_epochs=1)
    est.fit(data.X_train, data.y_train)
    X = data.X_test_unseen[:5]
    expected = _output(est, X)
    for net in _nets(est).values():
        net.device = "cuda"
    est.device_ = "cuda"
    payload = pickle.dumps(est)
    with patch("torch.cuda.is_available", lambda *_: False), \
            pytest.warns(UserWarning, match="no CUDA devices are available"):
        loaded = pickle.loads(payload)
    assert loaded.device_ == "cpu"
    assert all(str(net.device) == "cpu" for net in _nets(loaded).values())
    np.testing.assert_allclose(_output(loaded, X), expected, rtol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_nets_checkpoint_and_restore(name, flat, regions, tmp_path):
    # save_params / load_params: a copy fitted briefly takes the trained weights back
    est, data = _make(name, flat, regions)
    est.fit(data.X_train, data.y_train)
    for attr, net in _nets(est).items():
        net.save_params(f_params=tmp_path / f"{attr}.pt")
    other, _ = _make(name, flat, regions, max_epochs=1, random_state=1)
    other.fit(data.X_train, data.y_train)
    X = data.X_test_unseen[:5]
    assert not np.allclose(_output(other, X), _output(est, X))
    for attr, net in _nets(other).items():
        net.load_params(f_params=tmp_path / f"{attr}.pt")
    np.testing.assert_allclose(_output(other, X), _output(est, X), rtol=1e-6)


def test_joblib_round_trip(flat):
    import joblib

    est, data = _make("SDDNClassifier", flat, None, max_epochs=1)
    est.fit(data.X_train, data.y_train)
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    loaded = joblib.load(buffer)
    np.testing.assert_array_equal(loaded.predict(data.X_test_unseen), est.predict(
        data.X_test_unseen))
    assert loaded.generator_.sample(loaded.unseen_classes_[:1], 2, random_state=0).shape[0] == 2


# --- input validation ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["CLSWGANClassifier", "MSDNClassifier"])
def test_nan_seen_bias_is_rejected(name, flat, regions):
    est, data = _make(name, flat, regions, seen_bias=float("nan"))
    with pytest.raises(ValueError, match="'seen_bias' parameter .* must be a float in the "
                                         r"range \(-inf, inf\). Got nan"):
        est.fit(data.X_train, data.y_train)
    with pytest.raises(ValueError, match="seen_bias"):
        ESZSLClassifier(flat.class_attributes, seen_bias=np.nan).fit(flat.X_train, flat.y_train)


@pytest.mark.parametrize("device", ["mps", "tpu", "cuda:7", "cuda:x", "gpu"])
def test_unknown_device_is_a_clear_error(device, flat, regions):
    available = ["cpu"] + (["cuda"] if resolve_device("auto") == "cuda" else [])
    if device in available:
        pytest.skip(f"{device} exists here")
    for name in ("CLSWGANClassifier", "MSDNClassifier", "VisualSemanticDisentangler"):
        est, data = _make(name, flat, regions, device=device)
        with pytest.raises(ValueError, match=rf"device='{device}'.*Use 'auto'.*'cpu'"):
            est.fit(data.X_train, data.y_train)


def test_device_strings_torch_has_are_accepted():
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("auto") in ("cpu", "cuda")
    with patch("torch.cuda.is_available", lambda: True), \
            patch("torch.cuda.device_count", lambda: 2):
        assert resolve_device("cuda:1") == "cuda:1"
        with pytest.raises(ValueError, match="'cuda:0', 'cuda:1'"):
            resolve_device("cuda:2")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve_device("auto") in ("cpu", "cuda")


class _TensorRefusingPickler(pickle.Pickler):
    """Fails on any tensor that plain pickling would see.

    skorch pickles a net's ``module_``, ``criterion_`` and optimizers apart
    (``cuda_dependent_attributes_``) and loads them with a map location, so a
    CUDA-fitted net loads on a machine without a GPU. A tensor anywhere else
    in the pickle would be rebuilt on CUDA there and fail.
    """

    def persistent_id(self, obj):
        if isinstance(obj, torch.Tensor):
            raise AssertionError(f"a tensor of shape {tuple(obj.shape)} is pickled outside "
                                 "skorch's CUDA-dependent state")
        return None


@pytest.mark.parametrize("name", ["MSDNClassifier", "CLSWGANClassifier", "SDDNClassifier",
                                  "VisualSemanticDisentangler"])
def test_pickle_keeps_every_tensor_in_skorchs_device_state(name, flat, regions):
    # the CPU-side proof of tests/test_cuda.py's GPU-to-CPU round trip: the
    # module (skzsl hands skorch instances) and every group's optimizer travel
    # only through skorch's map-located part
    est, data = _make(name, flat, regions)
    est.fit(data.X_train, data.y_train)
    _TensorRefusingPickler(io.BytesIO()).dump(est)
    loaded = pickle.loads(pickle.dumps(est))
    net = next(v for k, v in vars(loaded).items() if k.endswith("net_"))
    assert net.module is net.module_
    method = "transform" if hasattr(est, "transform") else "decision_function"
    X = data.X_test_unseen[:5]
    np.testing.assert_allclose(getattr(loaded, method)(X), getattr(est, method)(X), rtol=1e-6)
