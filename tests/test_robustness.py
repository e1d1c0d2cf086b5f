"""Reliability: bad input, faults and odd but legal calls (issue #23).

Every estimator found by :func:`skzsl.utils.all_estimators` runs the estimator
cases, so an estimator added later cannot miss them. Two tables, as in
``test_common.py``:

- ``TINY_PARAMS``: constructor parameters that make a fit take a second
  (``test_common.FAST_PARAMS`` with one epoch a stage);
- ``ESTIMATORS``: one ``pytest.param`` per estimator, marked ``slow`` when it
  trains a network.

``make_estimator(name)`` builds one with the class table of ``data_for(name)``;
``fitted(name)`` returns a fresh copy of a model fitted once per module.
A new case takes them as they are: for instance the divergence case
(a learning rate that makes the losses non-finite must raise, naming the
estimator, stage, epoch and loss term, and leave the model as it was) is one
more test over ``NEURAL`` with ``make_estimator(name, lr=...)``.

Also here: the data files (``load_xlsa17`` on damaged, incomplete or
overlapping files), the ``skzsl`` command's argument checks and one-line
errors, and the GZSL metrics on labels outside the class table. Ctrl-C sent
as a real signal is ``test_interrupt.py``; the same rule in process, on every
estimator, is here. Loading a CUDA-fitted model without CUDA is
``test_cuda.py`` (it needs a GPU).
"""

import copy
import inspect
import warnings

import numpy as np
import pytest
import torch
from scipy.io import savemat
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from test_common import FAST_PARAMS  # tests/ is on sys.path (rootdir-relative imports)

from skzsl import cli
from skzsl._training import MultiOptimizerNet
from skzsl.base import BaseGZSLClassifier
from skzsl.datasets import load_xlsa17, make_zsl_classification
from skzsl.embedding import ESZSLClassifier
from skzsl.metrics import (
    ausuc_scorer,
    evaluate_gzsl,
    gzsl_scorer,
    harmonic_scorer,
    zsl_scorer,
)
from skzsl.model_selection import select_seen_bias
from skzsl.utils import all_estimators

# one epoch a stage: these cases test what a fit does with bad input, not how well it learns
_ONE_EPOCH = dict(max_epochs=1, classifier_max_epochs=1)
TINY_PARAMS = {
    name: {**params, **{k: v for k, v in _ONE_EPOCH.items() if k in params}}
    for name, params in FAST_PARAMS.items()
}
TINY_PARAMS["TunedSeenBiasClassifierCV"] = dict(cv=2, random_state=0)

CLASSES = dict(all_estimators())


def _is_neural(name):
    # the torch estimators train networks: the slow part of the suite
    return "device" in inspect.signature(CLASSES[name]).parameters


# the estimators that read GZSL data (a class table, labels); ImageFeatureExtractor reads
# images and has the same checks in tests/feature_extraction/test_extractor.py
ESTIMATORS = [pytest.param(name, id=name, marks=[pytest.mark.slow] if _is_neural(name) else [])
              for name, cls in CLASSES.items()
              if "class_attributes" in inspect.signature(cls).parameters
              or name == "TunedSeenBiasClassifierCV"]
NEURAL = [param for param in ESTIMATORS if _is_neural(param.values[0])]
CLASSIFIERS = [param for param in ESTIMATORS
               if issubclass(CLASSES[param.values[0]], BaseGZSLClassifier)]


def data_for(name):
    """Small GZSL data in the sample shape the estimator takes."""
    regions = 3 if getattr(CLASSES[name], "_sample_ndim", 1) == 2 else None
    return make_zsl_classification(n_samples=160, n_features=12, n_classes=6,
                                   n_unseen_classes=2, n_attributes=6, n_regions=regions,
                                   random_state=0)


def make_estimator(name, **params):
    """The estimator ``name`` with tiny settings and the class table of ``data_for(name)``."""
    table = data_for(name).class_attributes
    if name == "TunedSeenBiasClassifierCV":
        return CLASSES[name](ESZSLClassifier(table), **TINY_PARAMS[name], **params)
    return CLASSES[name](**{**TINY_PARAMS.get(name, {}), "class_attributes": table, **params})


_FITTED = {}


def fitted(name):
    """A copy of ``make_estimator(name)`` fitted on ``data_for(name)`` (fitted once)."""
    if name not in _FITTED:
        data = data_for(name)
        _FITTED[name] = make_estimator(name).fit(data.X_train, data.y_train)
    return copy.deepcopy(_FITTED[name])


def output(est, X):
    """What a fitted estimator returns: class probabilities, or transformed features."""
    return est.transform(X) if hasattr(est, "transform") else est.predict_proba(X)


def _fitted_attributes(est):
    return sorted(k for k in vars(est) if k.endswith("_") and not k.startswith("__"))


def _unknown_label(data):
    y = data.y_train.copy()
    y[0] = 999
    return y


# faults that make a fit fail after validation set the class bookkeeping:
# name -> (constructor parameters, X transform, y transform, message fragment)
FAULTS = {
    # one feature fewer in both: validate_data(reset=True) resets n_features_in_ before
    # the fit fails, so a model left changed no longer predicts on its own data
    "unknown label": ({}, lambda X: X[..., :-1], _unknown_label, "999"),
    "bad device": ({"device": "nope"}, lambda X: X[..., :-1], lambda data: data.y_train, "device"),
}


def _fault_cases():
    for param in ESTIMATORS:
        name = param.values[0]
        for fault in FAULTS:
            if fault != "bad device" or _is_neural(name):
                yield pytest.param(name, fault, id=f"{name}-{fault}", marks=param.marks)


FAULT_CASES = list(_fault_cases())


def _fail_fit(est, name, fault, data):
    """Fit ``est`` with ``fault``; it must raise the ValueError that names the fault."""
    params, bad_X, bad_y, text = FAULTS[fault]
    if name == "TunedSeenBiasClassifierCV":
        params = {f"estimator__{key}": value for key, value in params.items()}
    with pytest.raises(ValueError, match=text):
        est.set_params(**params).fit(bad_X(data.X_train), bad_y(data))


# --- item 2: a failed fit changes nothing --------------------------------------------------


@pytest.mark.parametrize("name, fault", FAULT_CASES)
def test_failed_refit_keeps_the_fitted_model(name, fault):
    data = data_for(name)
    est = fitted(name)
    X = data.X_test_unseen
    before, attributes = output(est, X), _fitted_attributes(est)
    _fail_fit(est, name, fault, data)
    assert _fitted_attributes(est) == attributes
    np.testing.assert_array_equal(output(est, X), before)
    if hasattr(est, "predict"):
        assert set(est.predict(X)) <= set(est.classes_)


@pytest.mark.parametrize("name, fault", FAULT_CASES)
def test_failed_fit_leaves_an_unfitted_estimator_unfitted(name, fault):
    est = make_estimator(name)
    _fail_fit(est, name, fault, data_for(name))
    assert _fitted_attributes(est) == []
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


@pytest.mark.parametrize("name", NEURAL)
def test_unavailable_mps_device_is_refused_by_name(name):
    if torch.backends.mps.is_available():
        pytest.skip("this machine has an MPS device")
    data = data_for(name)
    with pytest.raises(ValueError, match="device='mps'.*available devices"):
        make_estimator(name, device="mps").fit(data.X_train, data.y_train)


@pytest.mark.parametrize("name", ESTIMATORS)
def test_atomic_fit_survives_clone_and_pickle(name):
    import pickle

    est = make_estimator(name)
    assert type(clone(est)).fit is type(est).fit
    assert getattr(type(est).fit, "restores_on_error", False), (
        f"{name}.fit is not atomic: derive from AtomicFitMixin (BaseGZSLClassifier does)")
    pickle.loads(pickle.dumps(est))


# --- Ctrl-C, in process, on every neural estimator ------------------------------------------


@pytest.mark.parametrize("name", NEURAL)
@pytest.mark.parametrize("was_fitted", [False, True], ids=["unfitted", "fitted"])
def test_ctrl_c_leaves_the_model_as_documented(name, was_fitted, monkeypatch):
    # a multi-stage fit re-raises and leaves the estimator as it was; a single-net
    # fit returns the net as trained so far with a warning (docs: implementation notes)
    data = data_for(name)
    est = fitted(name) if was_fitted else make_estimator(name)
    before = output(est, data.X_test_unseen) if was_fitted else None

    def interrupted(net, batch, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(MultiOptimizerNet, "train_step", interrupted)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            est.fit(data.X_train, data.y_train)
        except KeyboardInterrupt:
            raised = True
        else:
            raised = False
    monkeypatch.undo()
    if raised:
        if was_fitted:
            np.testing.assert_array_equal(output(est, data.X_test_unseen), before)
        else:
            assert _fitted_attributes(est) == []
    else:
        assert est.n_epochs_ == 0
        assert any("interrupted after 0 of" in str(w.message) for w in caught)


# --- item 3: seen_bias checked where it acts ------------------------------------------------


@pytest.mark.parametrize("name", [p for p in CLASSIFIERS
                                  if p.values[0] != "TunedSeenBiasClassifierCV"])
def test_non_finite_seen_bias_is_refused_at_fit_and_at_prediction(name):
    data = data_for(name)
    est = fitted(name)
    for bias in (np.nan, np.inf, -np.inf):
        est.set_params(seen_bias=bias)
        for method in ("predict", "predict_proba", "decision_function"):
            with pytest.raises(ValueError, match="seen_bias must be a finite number"):
                getattr(est, method)(data.X_test_unseen)
    with pytest.raises(ValueError, match="seen_bias"):
        clone(est).set_params(seen_bias=np.nan).fit(data.X_train, data.y_train)
    est.set_params(seen_bias=0.0).predict(data.X_test_unseen)


# --- items 6 and 8: scoring needs known labels and both kinds of class ---------------------


@pytest.fixture(scope="module")
def eszsl():
    data = data_for("ESZSLClassifier")
    return fitted("ESZSLClassifier"), data


@pytest.mark.parametrize("scorer", [harmonic_scorer, gzsl_scorer, ausuc_scorer, zsl_scorer],
                         ids=repr)
def test_scorers_refuse_labels_outside_the_class_table(eszsl, scorer):
    est, data = eszsl
    X = np.concatenate([data.X_test_seen, data.X_test_unseen])
    y = np.concatenate([data.y_test_seen, data.y_test_unseen])
    y[-1] = 999
    with pytest.raises(ValueError, match=r"neither seen nor unseen.*\[999\]"):
        scorer(est, X, y)


def test_evaluate_gzsl_and_select_seen_bias_refuse_unknown_labels(eszsl):
    est, data = eszsl
    y_unseen = data.y_test_unseen.copy()
    y_unseen[0] = 999
    with pytest.raises(ValueError, match=r"\[999\]"):
        evaluate_gzsl(est, data.X_test_seen, data.y_test_seen, data.X_test_unseen, y_unseen)
    with pytest.raises(ValueError, match=r"\[999\]"):
        select_seen_bias(est, np.concatenate([data.X_test_seen, data.X_test_unseen]),
                         np.concatenate([data.y_test_seen, y_unseen]))


@pytest.mark.parametrize("part", ["seen", "unseen"])
def test_select_seen_bias_needs_seen_and_unseen_samples(eszsl, part):
    est, data = eszsl
    with pytest.raises(ValueError, match="needs validation samples of seen and of unseen"):
        select_seen_bias(est, data[f"X_test_{part}"], data[f"y_test_{part}"])


# --- items 5, 10, 11: data files -------------------------------------------------------------

N_IMAGES, N_CLASSES, N_SEEN = 40, 5, 3


def write_xlsa17(home, name="CUB", *, splits=None, drop=(), res101=None):
    """A tiny, valid xlsa17 folder; ``splits`` overrides and ``drop`` removes variables."""
    folder = home / name
    folder.mkdir(parents=True, exist_ok=True)
    labels = np.arange(N_IMAGES) % N_CLASSES + 1
    seen = np.flatnonzero(labels <= N_SEEN) + 1
    content = {"att": np.random.default_rng(0).random((4, N_CLASSES)),
               "trainval_loc": seen[:16], "test_seen_loc": seen[16:],
               "test_unseen_loc": np.flatnonzero(labels > N_SEEN) + 1, **(splits or {})}
    savemat(folder / "att_splits.mat", {k: v for k, v in content.items() if k not in drop})
    savemat(folder / "res101.mat", res101 or {
        "features": np.random.default_rng(1).random((6, N_IMAGES)), "labels": labels[:, None]})
    return folder


def test_tiny_xlsa17_loads(tmp_path):
    write_xlsa17(tmp_path)
    data = load_xlsa17("CUB", data_home=tmp_path)
    assert data.X_trainval.shape[1] == 6 and data.unseen_classes.size == N_CLASSES - N_SEEN


def _corrupt(path):
    path.write_bytes(b"Dj" * 200)


def _truncate(path):
    path.write_bytes(path.read_bytes()[:300])


@pytest.mark.parametrize("damage", [_corrupt, _truncate], ids=["corrupt", "truncated"])
@pytest.mark.parametrize("filename", ["att_splits.mat", "res101.mat"])
def test_unreadable_mat_file_is_named(tmp_path, filename, damage):
    path = write_xlsa17(tmp_path) / filename
    damage(path)
    with pytest.raises(ValueError, match=f"Cannot read {path} as a MATLAB .mat file"):
        load_xlsa17("CUB", data_home=tmp_path)


@pytest.mark.parametrize("variable", ["att", "trainval_loc", "test_seen_loc", "test_unseen_loc"])
def test_split_file_without_a_variable_names_it_and_the_layout(tmp_path, variable):
    path = write_xlsa17(tmp_path, drop=(variable,)) / "att_splits.mat"
    with pytest.raises(ValueError, match=f"{path} has no variable '{variable}'; expected the "
                                         "xlsa17 att_splits.mat layout"):
        load_xlsa17("CUB", data_home=tmp_path)


def test_res101_without_labels_names_it(tmp_path):
    path = write_xlsa17(tmp_path, res101={"features": np.ones((6, N_IMAGES))}) / "res101.mat"
    with pytest.raises(ValueError, match=f"{path} has no variable 'labels'"):
        load_xlsa17("CUB", data_home=tmp_path)


def _pickled(path):
    np.save(path, np.array([1, "a"], dtype=object), allow_pickle=True)


def _truncated_npy(path):
    np.save(path, np.ones((N_IMAGES, 3)))
    path.write_bytes(path.read_bytes()[:200])


def _not_npy(path):
    path.write_bytes(b"not a numpy file" * 10)


@pytest.mark.parametrize("damage", [_pickled, _truncated_npy, _not_npy],
                         ids=["pickled", "truncated", "foreign"])
def test_unreadable_feature_file_is_named(tmp_path, damage):
    write_xlsa17(tmp_path)
    path = tmp_path / "features.npy"
    damage(path)
    with pytest.raises(ValueError, match=f"Cannot read {path} as a numeric NumPy .npy array"):
        load_xlsa17("CUB", data_home=tmp_path, features=path)


@pytest.mark.parametrize("first, second", [("trainval_loc", "test_seen_loc"),
                                           ("test_seen_loc", "test_unseen_loc")])
def test_overlapping_splits_are_refused(tmp_path, first, second):
    labels = np.arange(N_IMAGES) % N_CLASSES + 1
    seen = np.flatnonzero(labels <= N_SEEN) + 1
    unseen = np.flatnonzero(labels > N_SEEN) + 1
    splits = {"trainval_loc": seen[:16], "test_seen_loc": seen[16:], "test_unseen_loc": unseen}
    # the first two rows of the second split are also listed in the first
    splits[first] = np.concatenate([splits[first], splits[second][:2]])
    if first == "test_seen_loc":
        # an unseen image listed as seen: keep its class out of trainval
        splits["test_seen_loc"] = np.concatenate([seen[16:], unseen[:2]])
    path = write_xlsa17(tmp_path, splits=splits) / "att_splits.mat"
    with pytest.raises(ValueError, match=rf"{first} and {second} of {path} share 2 image "
                                         rf"row\(s\).*{splits[second][:2].tolist()}"):
        load_xlsa17("CUB", data_home=tmp_path)


# --- items 4, 9 and the command's one-line errors ---------------------------------------------


def _run_cli(argv, capsys):
    status = cli.main(["benchmark", "--methods", "eszsl", "--quiet", *argv])
    err = capsys.readouterr().err
    return status, err


def _no_work(monkeypatch):
    def started(*args, **kwargs):
        raise AssertionError("the command started work before checking its arguments")

    monkeypatch.setattr(cli, "_load", started)


@pytest.mark.parametrize("argv, text", [
    (["--output", "{tmp}/missing/rows.csv"], "folder {tmp}/missing does not exist"),
    (["--output", "{tmp}/a_file/rows.csv"], "{tmp}/a_file is a file, not a folder"),
    (["--output", "{tmp}/rows.txt"], "must end in .csv or .json"),
    (["--output", "{tmp}/folder.csv"], "is a folder"),
    (["--dataset", "digits", "--features", "{tmp}/f.npy"], "--features is only for the xlsa17"),
    (["--dataset", "synthetic", "--semantics", "att"], "--semantics is only for the xlsa17"),
    (["--dataset", "moving-digits", "--data-home", "{tmp}"], "--data-home is only for the"),
    (["--dataset", "nope"], "unknown dataset 'nope'"),
    (["--methods", "eszsl,nope"], "unknown method"),
    (["--grid", "oops"], "--grid part 'oops'"),
    (["--dataset", "CUB", "--features", "{tmp}/none.npy"], "--features {tmp}/none.npy: no such"),
], ids=["no-folder", "parent-is-file", "suffix", "is-folder", "features-embedded",
        "semantics-embedded", "data-home-embedded", "dataset", "method", "grid", "no-features"])
def test_wrong_arguments_are_one_line_before_any_work(tmp_path, capsys, monkeypatch, argv, text):
    (tmp_path / "a_file").write_text("")
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "f.npy").write_bytes(b"")
    _no_work(monkeypatch)
    status, err = _run_cli([a.format(tmp=tmp_path) for a in argv], capsys)
    assert status == 2
    assert err.startswith("skzsl: error: ") and err.count("\n") == 1, err
    assert text.format(tmp=tmp_path) in err


def test_unwritable_output_is_refused_before_any_work(tmp_path, capsys, monkeypatch):
    # root may write anywhere, so the permission is denied by os.access itself
    _no_work(monkeypatch)
    monkeypatch.setattr(cli.os, "access", lambda path, mode: False)
    status, err = _run_cli(["--output", str(tmp_path / "rows.csv")], capsys)
    assert status == 2 and "permission denied" in err


@pytest.mark.parametrize("damage, filename, text", [
    (_corrupt, "att_splits.mat", "as a MATLAB .mat file"),
    (lambda path: savemat(path, {"trainval_loc": [1]}), "att_splits.mat", "no variable 'att'"),
], ids=["corrupt", "no-att"])
def test_damaged_data_file_is_one_line_in_the_command(tmp_path, capsys, damage, filename, text):
    path = write_xlsa17(tmp_path) / filename
    damage(path)
    status, err = _run_cli(["--dataset", "CUB", "--data-home", str(tmp_path)], capsys)
    assert status == 1 and err.startswith("skzsl: error: ") and err.count("\n") == 1
    assert str(path) in err and text in err


def test_damaged_feature_file_is_one_line_in_the_command(tmp_path, capsys):
    write_xlsa17(tmp_path)
    path = tmp_path / "features.npy"
    _pickled(path)
    status, err = _run_cli(["--dataset", "CUB", "--data-home", str(tmp_path),
                            "--features", str(path)], capsys)
    assert status == 1 and err.count("\n") == 1
    assert f"Cannot read {path} as a numeric NumPy .npy array" in err
