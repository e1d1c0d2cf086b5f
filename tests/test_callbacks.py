"""skorch callbacks through the public ``callbacks`` parameter of every neural estimator."""

import inspect

import numpy as np
import pytest
import torch
from generative._fast import FAST  # tests/ is on sys.path (rootdir-relative imports)
from skorch.callbacks import Callback, GradientNormClipping, LRScheduler

from skzsl.attention import MSDNClassifier
from skzsl.datasets import make_zsl_classification
from skzsl.generative import CLSWGANClassifier, SDDNClassifier
from skzsl.utils import all_estimators

CLIP = 1e-3


class GradientNorms(Callback):
    """Records the total norm of the gradients each optimizer step is about to apply.

    Its record starts in ``__init__``, not ``initialize``: skorch initialises the
    callbacks of each net, and one instance serves every net of an estimator.
    """

    def __init__(self):
        self.norms = []

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad for _, p in named_parameters if p.grad is not None]
        self.norms.append(float(torch.linalg.vector_norm(
            torch.stack([torch.linalg.vector_norm(g) for g in grads]))))


class LearningRates(Callback):
    """Records the primary optimizer's learning rate at the end of every epoch, per net."""

    def __init__(self):
        self.rates = {}

    def on_epoch_end(self, net, **kwargs):
        self.rates.setdefault(id(net), []).append(net.optimizer_.param_groups[0]["lr"])


@pytest.fixture(scope="module")
def data():
    return make_zsl_classification(random_state=0)


GENERATIVE = [CLSWGANClassifier, SDDNClassifier]


@pytest.mark.parametrize("cls", GENERATIVE, ids=lambda c: c.__name__)
def test_gradient_norm_clipping_clips_every_step(cls, data):
    clipped, raw = GradientNorms(), GradientNorms()
    params = {**FAST[cls.__name__], "max_epochs": 2, "classifier_max_epochs": 2}
    # raw sees the gradients before clipping, clipped after: callbacks run in order
    clf = cls(data.class_attributes, callbacks=[
        ("raw", raw), ("clip", GradientNormClipping(CLIP)), ("clipped", clipped)], **params)
    clf.fit(data.X_train, data.y_train)
    assert len(clipped.norms) == len(raw.norms) > 0
    assert max(clipped.norms) <= CLIP * (1 + 1e-4)
    # the clipping acted: without it the gradients are far larger
    assert max(raw.norms) > 10 * CLIP
    # every optimizer step notified: critic, generator (and SDDN's modules), classifier
    net = clf.generator_net_
    n_iterations = sum(len(row["batches"]) for row in net.history)
    n_critic = clf.backbone_.n_critic
    per_iteration = n_critic + 1 + (1 if cls is SDDNClassifier else 0)
    # SDDN's TC discriminator steps in one iteration out of four (SDGZSL), the first included
    n_discriminator = -(-n_iterations // 4) if cls is SDDNClassifier else 0
    n_classifier = sum(len(row["batches"]) for row in clf.classifier_net_.history)
    assert len(raw.norms) == n_iterations * per_iteration + n_discriminator + n_classifier


@pytest.mark.parametrize("cls", GENERATIVE, ids=lambda c: c.__name__)
def test_lr_scheduler_schedules_the_generator(cls, data):
    rates = LearningRates()
    params = {**FAST[cls.__name__], "max_epochs": 3, "classifier_max_epochs": 2}
    clf = cls(data.class_attributes, callbacks=[
        LRScheduler(policy="StepLR", step_size=1, gamma=0.5), ("rates", rates)], **params)
    clf.fit(data.X_train, data.y_train)
    lr = clf.backbone_.lr
    assert rates.rates[id(clf.generator_net_)] == pytest.approx([lr / 2, lr / 4, lr / 8])
    # the generator's optimizer is skorch's optimizer_, the critic's its own
    assert clf.generator_net_.optimizer_ is clf.generator_net_.optimizer_of("generator")
    assert clf.generator_net_.optimizer_of("critic").param_groups[0]["lr"] == lr
    # the final classifier is scheduled too, from its own learning rate
    assert rates.rates[id(clf.classifier_net_)] == pytest.approx(
        [clf.classifier_lr / 2, clf.classifier_lr / 4])


def test_early_stopping_validation_gets_copies_of_the_callbacks(data):
    rates = LearningRates()
    params = {**FAST["CLSWGANClassifier"], "max_epochs": 2, "classifier_max_epochs": 2,
              "early_stopping": True}
    clf = CLSWGANClassifier(data.class_attributes, callbacks=[
        LRScheduler(policy="StepLR", step_size=1, gamma=0.5), ("rates", rates)], **params)
    clf.fit(data.X_train, data.y_train)
    # the validation classifiers trained inside the generator's epochs did not disturb it
    lr = clf.backbone_.lr
    assert rates.rates[id(clf.generator_net_)] == pytest.approx([lr / 2, lr / 4])
    assert len(rates.rates) == 2  # the generator and the final classifier, not the copies



NEURAL = [(name, cls) for name, cls in all_estimators()
          if "callbacks" in inspect.signature(cls).parameters]


def test_every_neural_estimator_takes_callbacks():
    # every estimator that trains a net (ImageFeatureExtractor only runs one)
    names = {name for name, _ in NEURAL}
    training = {name for name, cls in all_estimators()
                if "max_epochs" in inspect.signature(cls).parameters}
    assert names == training and "MSDNClassifier" in names


@pytest.mark.parametrize("name, cls", NEURAL, ids=[name for name, _ in NEURAL])
def test_callbacks_see_every_net_an_estimator_trains(name, cls, data):
    from test_common import FAST_PARAMS

    class Nets(Callback):
        def __init__(self):
            self.nets = set()

        def on_train_begin(self, net, **kwargs):
            self.nets.add(id(net))

    seen = Nets()
    params = {**FAST_PARAMS[name], "max_epochs": 1, "callbacks": [seen]}
    if cls is MSDNClassifier or issubclass(cls, MSDNClassifier):
        rng = np.random.default_rng(0)
        X = rng.normal(size=(60, 6, 4))
        y = np.repeat([0, 1, 2], 20)
        est = cls(**params).fit(X, y)
    else:
        est = cls(data.class_attributes, **params).fit(data.X_train, data.y_train)
    nets = {id(value) for key, value in vars(est).items() if key.endswith("net_")}
    assert seen.nets == nets
