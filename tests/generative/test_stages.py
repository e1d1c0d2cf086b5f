"""The public stages of the generative classifiers: build_generator_net, fit_generator,
fit_classifier, build_classifier_net, and the stage-1 net's classifier_input."""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from skorch.callbacks import Callback

from skzsl.datasets import make_zsl_classification
from skzsl.generative import CLSWGANClassifier, SDDNClassifier

from ._fast import FAST, fast_backbone


@pytest.fixture(scope="module")
def data():
    return make_zsl_classification(random_state=0)


def make(data, cls=CLSWGANClassifier, **params):
    return cls(data.class_attributes, **{**FAST[cls.__name__], "max_epochs": 2,
                                         "classifier_max_epochs": 3, **params})


def same_model(a, b, data):
    np.testing.assert_array_equal(a.compatibility_scores(data.X_test_unseen),
                                  b.compatibility_scores(data.X_test_unseen))
    for key in ("train_loss", "objective_critic"):
        assert a.generator_net_.history[:, key] == b.generator_net_.history[:, key]


class Epochs(Callback):
    """Counts, per net class, the epochs it sees."""

    def __init__(self):
        self.seen = {}

    def on_epoch_end(self, net, **kwargs):
        self.seen[type(net).__name__] = self.seen.get(type(net).__name__, 0) + 1


@pytest.mark.parametrize("params", [
    {}, {"backbone": fast_backbone("clswgan")}, {"backbone": fast_backbone("tfvaegan")},
    {"early_stopping": True, "max_epochs": 3}], ids=["fvaegan", "clswgan", "tfvaegan", "es"])
def test_fit_is_its_stages_to_the_bit(data, params):
    X, y = data.X_train, data.y_train
    whole = make(data, **params).fit(X, y)
    staged = make(data, **params).fit_generator(X, y)
    assert not hasattr(staged, "classifier_net_")
    with pytest.raises(NotFittedError):
        staged.predict(data.X_test_seen)
    same_model(whole, staged.fit_classifier(X, y), data)
    built = make(data, **params)
    net = built.build_generator_net(X, y)
    assert not net.initialized_
    same_model(whole, built.fit_generator(X, y, generator_net=net).fit_classifier(X, y), data)
    assert built.generator_net_ is net
    assert hasattr(built, "pretrained_net_") == hasattr(whole, "pretrained_net_")
    assert getattr(built, "best_epoch_", None) == getattr(whole, "best_epoch_", None)


def test_a_built_net_takes_loaded_weights_and_its_own_callbacks(data):
    X, y = data.X_train, data.y_train
    trained = make(data).fit(X, y).generator_net_.module_
    clf = make(data, max_epochs=0)
    net = clf.build_generator_net(X, y)
    epochs = Epochs()
    net.set_params(callbacks=[*net.callbacks, ("epochs", epochs)])
    net.initialize()
    net.module_.load_state_dict(trained.state_dict())
    clf.fit_generator(X, y, generator_net=net).fit_classifier(X, y)
    # zero epochs: the generator is the loaded one; the callback reached this net alone
    for name, value in trained.state_dict().items():
        torch.testing.assert_close(clf.generator_net_.module_.state_dict()[name], value,
                                   rtol=0, atol=0)
    assert epochs.seen == {}
    clf.set_params(max_epochs=1)
    clf.fit_generator(X, y, generator_net=clf.build_generator_net(X, y)
                      .set_params(callbacks=[("epochs", epochs)]))
    assert epochs.seen == {"GenerativeNet": 1}


def test_a_float64_module_trains_in_float64(data):
    clf = make(data, max_epochs=1)
    net = clf.build_generator_net(data.X_train, data.y_train)
    net.module.double()
    clf.fit_generator(data.X_train, data.y_train, generator_net=net)
    assert next(net.module_.parameters()).dtype == torch.float64
    assert np.isfinite(net.history[-1, "train_loss"])


def test_fit_classifier_reuses_the_generator(data):
    X, y = data.X_train, data.y_train
    clf = make(data).fit(X, y)
    generator, before = clf.generator_net_, clf.compatibility_scores(data.X_test_unseen)
    state = {k: v.clone() for k, v in generator.module_.state_dict().items()}
    again = clf.fit_classifier(X, y)
    assert again is clf and clf.generator_net_ is generator
    np.testing.assert_array_equal(clf.compatibility_scores(data.X_test_unseen), before)
    clf.set_params(n_synthetic_per_class=5).fit_classifier(X, y)
    assert not np.array_equal(clf.compatibility_scores(data.X_test_unseen), before)
    for name, value in generator.module_.state_dict().items():
        assert torch.equal(value, state[name])  # float64 again, the same weights


def test_fit_classifier_with_another_estimators_generator(data):
    X, y = data.X_train, data.y_train
    source = make(data).fit_generator(X, y)
    other = clone(source).fit_classifier(X, y, generator_net=source.generator_net_)
    same_model(make(data).fit(X, y), other, data)


class Fails(Callback):
    def on_train_begin(self, net, **kwargs):
        raise RuntimeError("stop")


def test_fit_classifier_errors_leave_the_estimator_as_it_was(data):
    X, y = data.X_train, data.y_train
    with pytest.raises(NotFittedError, match="no trained generator"):
        make(data).fit_classifier(X, y)
    with pytest.raises(TypeError, match="generator_net must be a stage-1 net"):
        make(data).fit_classifier(X, y, generator_net="net")
    untrained = make(data).build_generator_net(X, y)
    with pytest.raises(ValueError, match="not trained"):
        make(data).fit_classifier(X, y, generator_net=untrained)
    with pytest.raises(ValueError, match="class table of"):
        make(data).fit_classifier(
            X, y, generator_net=make(data).set_params(class_attributes=None)
            .fit_generator(X, y).generator_net_)
    clf = make(data).fit(X, y)
    before = clf.predict_proba(data.X_test_unseen)
    attributes = dict(vars(clf))
    with pytest.raises(RuntimeError, match="stop"):
        clf.set_params(callbacks=[Fails()]).fit_classifier(X, y)
    assert all(vars(clf)[k] is v for k, v in attributes.items() if k != "callbacks")
    np.testing.assert_array_equal(clf.predict_proba(data.X_test_unseen), before)


def test_build_classifier_net_is_the_final_classifier_of_fit(data):
    clf = make(data, classifier_lr=0.01, classifier_batch_size=16).fit(data.X_train,
                                                                      data.y_train)
    net = clf.build_classifier_net(7, 3)
    assert not net.initialized_
    assert (net.lr, net.batch_size, net.max_epochs) == (0.01, 16, 3)
    assert net.module.linear.weight.shape == (3, 7)
    assert float(net.module.linear.weight.detach().std()) < 0.05  # N(0, 0.02)
    features = np.random.default_rng(0).random((40, 7), dtype=np.float32)
    logits = net.fit(features, np.arange(40) % 3).forward(features)
    assert logits.shape == (40, 3)
    assert len(net.history) == 3
    for bad in (0, 2.5):
        with pytest.raises(ValueError if bad == 0 else TypeError):
            clf.build_classifier_net(bad, 3)


def test_classifier_input_of_the_stage_one_net(data):
    X = np.float32(np.random.default_rng(0).random((6, data.X_train.shape[1])))
    plain = make(data).fit(data.X_train, data.y_train).generator_net_
    assert plain.classifier_input(X) is X  # the visual features alone: the net is not run
    sddn = make(data, SDDNClassifier, fusion="visual+semantic").fit(data.X_train, data.y_train)
    raw = data.X_test_seen[:6]
    fused = sddn.generator_net_.classifier_input(sddn.scaler_.transform(raw))
    # the visual features, then SDDN's semantic-consistent ones: what the classifier reads
    assert fused.shape == (6, sddn.classifier_net_.module_.linear.in_features)
    assert fused.shape[1] > X.shape[1]
    np.testing.assert_array_equal(fused[:, :X.shape[1]], sddn.scaler_.transform(raw))
    np.testing.assert_array_equal(fused, sddn.classifier_input(raw))
