"""Matched trajectories: skzsl's VAE-GAN backbones and the official code, same weights and draws.

The seed-level parity record (``parity_skzsl.py`` against ``parity_official.py``)
compares two distributions of ZSL T1 with a few seeds each. This script removes
the seeds: both codes start from the same weights and consume the same random
numbers, so any difference in what they compute shows up directly in the
weights they reach.

Generator training: skzsl's ``CLSWGANClassifier(backbone=...)`` (``--backbone``
``fvaegan`` or ``tfvaegan``) with the official SUN settings builds its
networks; their weights are copied into the official ``Encoder``,
``Generator``, ``Discriminator_D1`` (and, for TF-VAEGAN, ``AttDec`` and
``Feedback``). skzsl's net is the untrained one ``build_generator_net`` returns,
trained by ``fit_generator`` as ``fit`` trains it, with the replayed draws as its batch
sampler. Both codes then train for ``--epochs`` epochs of ``--steps``
generator iterations per pass (TF-VAEGAN: a second pass through the feedback
module) on SUN-A, each reading its own copy of the data (the script first
checks that the scaled features and the attribute rows agree). Three streams of
random numbers are drawn from their own seeded generators and replayed to both
codes in the order each asks for them: the critic batches
(``randperm(n_train)[:64]``: the official ``next_seen_batch`` and skzsl's batch
sampler), the encoder's reparameterisation noise (official ``torch.randn``,
skzsl ``torch.randn_like``) and the gradient penalty's interpolation weights
(``torch.rand`` in both). The official code runs in a subprocess: its
``train_images.py`` unchanged from the patched CPU copy, with the classes and
the data loader wrapped at run time (weights loaded after construction,
replayed batches, an epoch shortened to ``--steps`` iterations per pass, a
stop before the last synthesis). At each checkpoint the script compares the
weights of the two codes; as a floor, it compares skzsl with fused Adam (the
library default) against skzsl with PyTorch's per-tensor Adam, the same update
with a different rounding. It also compares the adaptive gradient-penalty
weight of every iteration. ``--float64`` runs both codes in double precision,
with the seen classes' attribute rows made identical (the two codes' float32
L2 normalisations differ by one rounding).

Final classifier (f-VAEGAN, float32): the official ``CLASSIFIER`` (ZSL mode)
and skzsl's final-classifier net, from the same initial weights, on the same
synthetic features, with the same per-epoch permutations: test-unseen accuracy
after each of the 25 epochs, and the trained weights.

ZSL T1 (float32): at each checkpoint that ends a real epoch, each code's
generator is evaluated the official way (400 synthetic features per unseen
class, the 25-epoch classifier, the best epoch on test: for parity only) by
skzsl's evaluation code with every draw fixed, so the three trajectories
differ only by what their weights have become.

Usage (from the repository root)::

    OMP_NUM_THREADS=1 python -m benchmarks parity_trajectory --workdir <workdir> \\
        --official tfvaegan_cpu --dataroot suna_data \\
        --steps 1620 --checkpoints 1 2 5 10 20 50 100 162 324 --out trajectory.json

``--official`` is a copy patched by ``parity_official patch``, ``--dataroot``
the folder written by ``parity_official data`` (relative paths are under ``--workdir``).
The script never stores the official code; it imports it from the copy given.
"""

import argparse
import contextlib
import json
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
from skorch.callbacks import Callback

from . import common

# the networks compared, per backbone (official: Encoder, Generator, Discriminator_D1,
# AttDec, Feedback)
NETS = {"fvaegan": ("encoder", "generator", "critic"),
        "tfvaegan": ("encoder", "generator", "critic", "decoder", "feedback")}
OFFICIAL_CLASSES = {"encoder": "Encoder", "generator": "Generator", "critic": "Discriminator_D1",
                    "decoder": "AttDec", "feedback": "Feedback"}
BATCH = 64


class Draws:
    """Three seeded streams: critic-batch indices, encoder noise, GP interpolation weights."""

    def __init__(self, seed, n_train, latent):
        self.n_train, self.latent = n_train, latent
        self.gen = {k: torch.Generator().manual_seed(seed + i)
                    for i, k in enumerate(("index", "eps", "alpha"))}
        self.count = dict.fromkeys(self.gen, 0)

    def index(self):
        self.count["index"] += 1
        return torch.randperm(self.n_train, generator=self.gen["index"])[:BATCH]

    def eps(self):
        self.count["eps"] += 1
        # float32 whatever the default dtype: the same numbers in both processes
        return torch.randn(BATCH, self.latent, generator=self.gen["eps"], dtype=torch.float32)

    def alpha(self):
        self.count["alpha"] += 1
        return torch.rand(BATCH, 1, generator=self.gen["alpha"], dtype=torch.float32)


def _shape(args):
    if len(args) == 1 and isinstance(args[0], (list, tuple, torch.Size)):
        return tuple(args[0])
    return tuple(args)


@contextlib.contextmanager
def replayed(draws):
    """``torch.randn``, ``torch.randn_like`` and ``torch.rand`` serve the replayed
    streams for the shapes of the training loop's draws; other calls pass through."""
    randn, randn_like, rand = torch.randn, torch.randn_like, torch.rand

    def _randn(*args, **kwargs):
        if _shape(args) == (BATCH, draws.latent) and "generator" not in kwargs:
            return draws.eps().to(kwargs.get("dtype") or torch.get_default_dtype())
        return randn(*args, **kwargs)

    def _randn_like(tensor, **kwargs):
        if tuple(tensor.shape) == (BATCH, draws.latent):
            return draws.eps().to(tensor.dtype)
        return randn_like(tensor, **kwargs)

    def _rand(*args, **kwargs):
        if _shape(args) == (BATCH, 1) and "generator" not in kwargs:
            return draws.alpha().to(kwargs.get("dtype") or torch.get_default_dtype())
        return rand(*args, **kwargs)

    torch.randn, torch.randn_like, torch.rand = _randn, _randn_like, _rand
    try:
        yield
    finally:
        torch.randn, torch.randn_like, torch.rand = randn, randn_like, rand


def _params(module):
    return [p.detach().clone() for p in module.parameters()]


# --------------------------------------------------------------------------- skzsl side


def skzsl_setup(seed, backbone):
    """The estimator, its data and its generator net as ``fit`` builds it (not trained)."""
    from .parity_skzsl import setup

    data, clf = setup("SUN", backbone, 1, seed)
    return data, clf, clf.build_generator_net(data.X_trainval, data.y_trainval)


class _Snapshots(Callback):
    def __init__(self, checkpoints, nets):
        self.checkpoints, self.step, self.states, self.gp = set(checkpoints), 0, {}, []
        self.nets = nets

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        # what the net trains on: the scaled features and their rows of classes_
        self.X, self.y = X, y

    def on_batch_begin(self, net, **kwargs):
        self.gp.append(float(net.gp_weight_))

    def on_batch_end(self, net, **kwargs):
        self.step += 1
        if self.step in self.checkpoints:
            self.states[self.step] = {n: _params(getattr(net.module_, n)) for n in self.nets}


def skzsl_trajectory(backbone, seed, draws_seed, steps, epochs, checkpoints, fused,
                     float64=False):
    """skzsl's generator net trained ``epochs`` epochs of ``steps`` iterations per pass
    on the replayed draws (``float64``: networks and data in double precision)."""
    data, clf, net = skzsl_setup(seed, backbone)
    settings = net.backbone.settings()
    nets, per_epoch = NETS[backbone], steps * settings["n_passes"]
    total = per_epoch * epochs
    draws = Draws(draws_seed, len(data.y_trainval), net.module.encoder.mean.out_features)
    n_critic = settings["n_critic"]

    class Replay(torch.utils.data.Sampler):
        # an epoch of `steps` iterations per pass (TF-VAEGAN's second pass runs the feedback
        # module), as the official loop with its shortened epoch
        def __init__(self, n_samples, batch_size):
            pass

        def __len__(self):
            return per_epoch

        def __iter__(self):
            for _ in range(per_epoch):
                yield torch.cat([draws.index() for _ in range(n_critic)]).numpy()

    snaps = _Snapshots([*checkpoints, total], nets)
    net.set_params(iterator_train__make_sampler=Replay, optimizer__fused=fused,
                   max_epochs=epochs, callbacks=[*net.callbacks, ("snapshots", snaps)])
    net.initialize()
    init = {n: _params(getattr(net.module_, n)) for n in nets}
    if float64:
        net.module_.double()  # in place: the optimizers keep their parameters
    with replayed(draws):
        # fit's stage 1 on this net; the features reach it in its parameters' dtype
        clf.fit_generator(data.X_trainval, data.y_trainval, generator_net=net)
    return {"init": init, "states": snaps.states, "gp": snaps.gp, "draws": dict(draws.count),
            "net": net, "clf": clf, "data": data, "X": snaps.X, "y": snaps.y, "total": total}


# ------------------------------------------------------------------------ official side


class _Stop(Exception):
    pass


def _enter_official(spec, variant, epochs):
    """Make this process the official code's: its folder, its imports, and the command
    line of ``parity_official.py run`` (SUN, ``variant``, no GZSL classifier)."""
    from .parity_official import build_cmd

    os.chdir(spec["official"])  # its imports: on PYTHONPATH (_subprocess)
    ns = argparse.Namespace(dataset="SUN", variant=variant, gzsl=False, epochs=epochs,
                            dataroot=spec["dataroot"])
    sys.argv = build_cmd(ns, spec["seed"])[2:]


def official_trajectory(work):
    """Runs in a subprocess: the official ``train_images.py`` on the replayed draws."""
    spec = torch.load(work / "spec.pt")
    _enter_official(spec, spec["backbone"], spec["epochs"])
    import config_images
    import datasets.image_util as util
    import networks.TFVAEGAN_model as model

    nets, states, lambdas, report = {}, {}, [], {}
    draws = Draws(spec["draws_seed"], spec["n_train"], spec["latent"])
    n_critic, steps, checkpoints = spec["n_critic"], spec["steps"], set(spec["checkpoints"])

    def wrap(cls, key):
        # patched in place: the official classes call super(Encoder, self) by name
        init = cls.__init__

        def __init__(self, *args, **kwargs):
            init(self, *args, **kwargs)
            with torch.no_grad():
                mine = list(self.parameters())
                assert [p.shape for p in mine] == [q.shape for q in spec["init"][key]], key
                for p, q in zip(mine, spec["init"][key], strict=True):
                    p.copy_(q)
            nets[key] = self

        cls.__init__ = __init__

    evals = {"n": 0}

    def stop(self):  # the generator's eval(): an epoch is over; after the last, stop
        evals["n"] += 1
        if evals["n"] < spec["epochs"]:
            return torch.nn.Module.eval(self)
        states[spec["total"]] = {n: _params(m) for n, m in nets.items()}
        raise _Stop

    for key in spec["init"]:
        wrap(getattr(model, OFFICIAL_CLASSES[key]), key)
    model.Generator.eval = stop
    loader_init = util.DATA_LOADER.__init__

    def init_loader(self, opt):
        loader_init(self, opt)
        inputs = np.load(work / "inputs.npz")
        X, rows = inputs["X"], inputs["rows"]
        mine = self.train_feature.numpy()
        att = self.attribute[self.train_label].numpy()
        assert mine.shape == X.shape and att.shape == rows.shape, (mine.shape, X.shape)
        report["features"] = float(np.abs(mine - X).max())
        report["attributes"] = float(np.abs(att - rows).max())
        if spec["float64"]:
            # isolate the computation: the seen classes' rows as skzsl's (one float32
            # rounding apart after the two codes' L2 normalisations)
            self.attribute = self.attribute.clone()
            self.attribute[self.train_label] = torch.as_tensor(rows, dtype=torch.float32)
        self.ntrain = steps * BATCH  # each pass of the epoch runs `steps` iterations

    calls = {"n": 0}

    def next_seen_batch(self, batch_size):
        if calls["n"] % n_critic == 0:
            done = calls["n"] // n_critic
            if done in checkpoints and done not in states:
                states[done] = {n: _params(m) for n, m in nets.items()}
            lambdas.append(float(config_images.opt.lambda1))
        calls["n"] += 1
        idx = draws.index()
        label = self.train_label[idx]
        return self.train_feature[idx], self.attribute[label]

    util.DATA_LOADER.__init__ = init_loader
    util.DATA_LOADER.next_seen_batch = next_seen_batch
    if spec["float64"]:
        # the networks, the loop's buffers (torch.FloatTensor) and its constants in double
        torch.set_default_dtype(torch.float64)
        torch.FloatTensor = torch.DoubleTensor
    with replayed(draws):
        try:
            runpy.run_path("train_images.py", run_name="__main__")
        except _Stop:
            pass
    torch.save({"states": states, "gp": lambdas, "draws": dict(draws.count), "inputs": report},
               work / "official.pt")


def official_classifier(work):
    """Runs in a subprocess: the official ZSL ``CLASSIFIER`` on given features and draws."""
    spec = torch.load(work / "cls_spec.pt")
    _enter_official(spec, "fvaegan", 1)
    import classifiers.classifier_images as classifier
    import datasets.image_util as util
    from config_images import opt

    data = util.DATA_LOADER(opt)
    test_labels = util.map_label(data.test_unseen_label, data.unseenclasses).numpy()
    report = {"test_features": float((data.test_unseen_feature - spec["X_test"]).abs().max()),
              "test_labels_differing": int((test_labels != spec["y_test"].numpy()).sum())}

    def load_weights(module):  # CLASSIFIER initialises with model.apply(util.weights_init)
        if isinstance(module, torch.nn.Linear):
            with torch.no_grad():
                module.weight.copy_(spec["weight"])
                module.bias.copy_(spec["bias"])

    util.weights_init = load_weights
    accs = []
    val = classifier.CLASSIFIER.val

    def recording_val(self, *args):
        accs.append(float(val(self, *args)))
        return accs[-1]

    classifier.CLASSIFIER.val = recording_val
    perms = torch.Generator().manual_seed(spec["draws_seed"])
    randperm = torch.randperm
    torch.randperm = lambda n, **kw: randperm(n, generator=perms)
    try:
        # skzsl's column c is the official code's unseen class unseenclasses[c]
        labels = data.unseenclasses[spec["column"]]
        cls = classifier.CLASSIFIER(spec["X_syn"],
                                    util.map_label(labels, data.unseenclasses),
                                    data, data.unseenclasses.size(0), False, opt.classifier_lr,
                                    0.5, 25, opt.syn_num, generalized=False)
    finally:
        torch.randperm = randperm
    torch.save({"accs": accs, "best": float(cls.acc), "inputs": report,
                "weight": cls.model.fc.weight.detach().clone(),
                "bias": cls.model.fc.bias.detach().clone()}, work / "official_cls.pt")


def _subprocess(mode, work):
    """``mode`` in a child process whose imports see the official copy (its folder first)."""
    spec = torch.load(work / ("spec.pt" if mode == "official" else "cls_spec.pt"))
    path = os.pathsep.join([spec["official"], str(common.REPO),
                            *filter(None, [os.environ.get("PYTHONPATH")])])
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONPATH=path)
    subprocess.run([sys.executable, "-m", "benchmarks", "parity_trajectory", mode, str(work)],
                   check=True, env=env, cwd=common.REPO)


# ----------------------------------------------------------------------------- compare


def _distance(a, b, init):
    """Largest absolute difference, and ||a - b|| / ||b - init|| over all parameters."""
    flat = lambda ps: torch.cat([p.reshape(-1) for p in ps])  # noqa: E731
    a, b, init = flat(a), flat(b), flat(init)
    return float((a - b).abs().max()), float((a - b).norm() / (b - init).norm())


def compare_generator(args, work):
    torch.set_num_threads(1)
    run = (args.backbone, args.seed, args.draws_seed, args.steps, args.epochs, args.checkpoints)
    print("skzsl, fused Adam ...", flush=True)
    fused = skzsl_trajectory(*run, True, args.float64)
    print("skzsl, per-tensor Adam ...", flush=True)
    plain = skzsl_trajectory(*run, False, args.float64)
    nets, total = NETS[args.backbone], plain["total"]
    for n in nets:
        for p, q in zip(fused["init"][n], plain["init"][n], strict=True):
            assert torch.equal(p, q), "the two skzsl runs must start from the same weights"
    net = fused["net"]
    semantics = net.module_.class_semantics[torch.as_tensor(fused["y"])].numpy()
    np.savez(work / "inputs.npz", X=fused["X"], rows=semantics)
    torch.save({"official": str(Path(args.official).resolve()),
                "dataroot": str(Path(args.dataroot).resolve()), "seed": args.seed,
                "draws_seed": args.draws_seed, "n_train": len(fused["X"]),
                "latent": net.module_.encoder.mean.out_features, "n_critic": net.backbone.n_critic,
                "steps": args.steps, "epochs": args.epochs, "total": total,
                "checkpoints": args.checkpoints,
                "init": fused["init"], "backbone": args.backbone, "float64": args.float64},
               work / "spec.pt")
    print("official ...", flush=True)
    _subprocess("official", work)
    off = torch.load(work / "official.pt")
    if off["draws"] != plain["draws"]:
        sys.exit(f"the two codes asked for different numbers of draws: {off['draws']} against "
                 f"{plain['draws']}; the replay is not matched")
    rows = []
    for step in sorted(set(args.checkpoints) | {total}):
        if step > total:
            continue
        row = {"step": step}
        for name, a, b in (("official", off, plain), ("fused", fused, plain),
                           ("official_fused", off, fused)):
            per_net = [_distance(a["states"][step][n], b["states"][step][n], plain["init"][n])
                       for n in nets]
            row[name] = {"max_abs": max(d[0] for d in per_net),
                         "relative": max(d[1] for d in per_net)}
        rows.append(row)
    gp = {"official": off["gp"], "skzsl": plain["gp"], "skzsl_fused": fused["gp"]}
    same = [a == b for a, b in zip(off["gp"], plain["gp"], strict=False)]
    first_diff = next((i + 1 for i, s in enumerate(same) if not s), None)
    return {"rows": rows, "gp_first_differing_iteration": first_diff,
            "gp_ratio_last": off["gp"][-1] / plain["gp"][-1], "gp": gp,
            "inputs": off["inputs"], "draws": {"official": off["draws"],
                                               "skzsl": plain["draws"]}}, \
        plain, {"official": off["states"], "skzsl": plain["states"],
                "skzsl_fused": fused["states"]}


class ZSLProbe:
    """The official ZSL evaluation run by skzsl's code, with every draw fixed.

    Synthesis: ``syn_num`` features per unseen class from a given generator
    (the same noise for every generator). Classifier: skzsl's final-classifier
    net from fixed initial weights, with the official ``next_batch`` order
    replayed: test-unseen accuracy after each of its 25 epochs.
    """

    def __init__(self, run, seed, draws_seed):
        self.net, self.clf, data = run["net"], run["clf"], run["data"]
        self.seed, self.draws_seed = seed, draws_seed
        self.unseen = np.flatnonzero(~np.isin(self.clf.classes_, self.clf.seen_classes_))
        self.X_test = self.clf.scaler_.transform(data.X_test_unseen).astype(np.float32)
        self.y_test = np.searchsorted(self.unseen,
                                      self.clf.class_attributes_.index_of(data.y_test_unseen))
        self._initial = {}

    @contextlib.contextmanager
    def loaded(self, state):
        """The net with the weights of ``state`` (a trajectory's checkpoint), restored after."""
        module = self.net.module_
        kept = {n: _params(getattr(module, n)) for n in state}
        for weights in (state, kept):
            with torch.no_grad():
                for n, params in weights.items():
                    for p, q in zip(getattr(module, n).parameters(), params, strict=True):
                        p.copy_(q)
            if weights is state:
                module.eval()
                yield self.net

    def features(self, state):
        """Synthetic features (classifier input), their columns, and the test inputs."""
        from skzsl.generative import FeatureGenerator

        clf = self.clf
        counts = np.zeros(len(clf.classes_), dtype=int)
        counts[self.unseen] = clf.n_synthetic_per_class
        with self.loaded(state) as net:
            X_syn, y_syn = FeatureGenerator(net, clf.class_attributes_, None).sample_counts(
                counts, self.seed)
            X_syn = net.classifier_input(X_syn.astype(np.float32))
            X_test = net.classifier_input(self.X_test)
        return X_syn, np.searchsorted(self.unseen, y_syn), X_test

    def initial(self, n_features):
        """The classifier's initial weight and bias for ``n_features`` inputs (drawn once)."""
        from skzsl.nn.generative import SoftmaxClassifier, init_normal_

        if n_features not in self._initial:
            torch.manual_seed(self.seed)
            layer = init_normal_(SoftmaxClassifier(n_features, len(self.unseen))).linear
            self._initial[n_features] = (layer.weight.detach(), layer.bias.detach())
        return self._initial[n_features]

    def accuracies(self, X_syn, column, X_test):
        """Test-unseen accuracy after each classifier epoch, and the trained layer."""
        from .parity_skzsl import final_classifier_net

        # per-tensor Adam as the official classifier; scored in batches of its batch size
        cls_net, accs = final_classifier_net(
            self.clf, X_syn.shape[1], len(self.unseen), {"t1": (X_test, self.y_test)},
            optimizer__fused=False, iterator_valid__batch_size=self.clf.classifier_batch_size)
        module = cls_net.module
        weight, bias = self.initial(X_syn.shape[1])
        with torch.no_grad():
            module.linear.weight.copy_(weight)
            module.linear.bias.copy_(bias)
        perms = torch.Generator().manual_seed(self.draws_seed)
        randperm = torch.randperm
        # the official next_batch permutes the already permuted data (train_X[perm]) at
        # each epoch: its epoch order is the composition of the permutations drawn so far
        order = [torch.arange(len(X_syn))]

        def composed(n, **kwargs):
            order[0] = order[0][randperm(n, generator=perms)]
            return order[0]

        torch.randperm = composed
        try:
            cls_net.initialize()
            cls_net.partial_fit(X_syn, column.astype(np.int64))
        finally:
            torch.randperm = randperm
        return accs["t1"], module.linear


def compare_classifier(args, work, probe, state):
    """The official ZSL classifier and skzsl's on the same synthetic features and draws
    (f-VAEGAN: the classifier reads the features only)."""
    X_syn, column, X_test = probe.features(state)
    weight, bias = probe.initial(X_syn.shape[1])
    torch.save({"official": str(Path(args.official).resolve()),
                "dataroot": str(Path(args.dataroot).resolve()), "seed": args.seed,
                "draws_seed": args.draws_seed, "X_syn": torch.as_tensor(X_syn),
                "column": torch.as_tensor(column), "X_test": torch.as_tensor(probe.X_test),
                "y_test": torch.as_tensor(probe.y_test), "weight": weight, "bias": bias},
               work / "cls_spec.pt")
    accs, layer = probe.accuracies(X_syn, column, X_test)
    _subprocess("official-classifier", work)
    off = torch.load(work / "official_cls.pt")
    dist = _distance([off["weight"], off["bias"]], [layer.weight.detach(), layer.bias.detach()],
                     [weight, bias])
    return {"skzsl_accs": accs, "official_accs": off["accs"],
            "largest_accuracy_difference": max(abs(a - b) for a, b in zip(
                accs, off["accs"], strict=True)),
            "weights": {"max_abs": dist[0], "relative": dist[1]}, "inputs": off["inputs"]}


def zsl_t1_of_trajectories(probe, states, steps):
    """ZSL T1 (best of the 25 classifier epochs on test, the official selection) and the
    last epoch's accuracy, of each code's generator at each of ``steps``."""
    out = {}
    for step in steps:
        print(f"ZSL T1 at iteration {step} ...", flush=True)
        for code, run in states.items():
            accs, _ = probe.accuracies(*probe.features(run[step]))
            out.setdefault(str(step), {})[code] = {"t1": max(accs), "last": accs[-1]}
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["official"], ["official-classifier"]):
        torch.set_num_threads(1)
        fn = official_trajectory if argv[0] == "official" else official_classifier
        fn(Path(argv[1]))
        return
    parser = common.parser("parity_trajectory", __doc__)
    parser.add_argument("--official", required=True, help="patched copy of akshitac8/tfvaegan")
    parser.add_argument("--dataroot", required=True, help="parity_official data output")
    parser.add_argument("--backbone", choices=list(NETS), default="fvaegan")
    parser.add_argument("--steps", type=int, default=162,
                        help="generator iterations per pass (TF-VAEGAN: two passes per epoch)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--float64", action="store_true",
                        help="both codes in double precision; the weights only (no ZSL T1)")
    parser.add_argument("--checkpoints", type=int, nargs="+",
                        default=[1, 2, 5, 10, 20, 50, 100])
    parser.add_argument("--seed", type=int, default=4115, help="initial weights")
    parser.add_argument("--draws-seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="the JSON written")
    common.add_workdir(parser)
    common.add_data_dir(parser)
    args = common.under_workdir(common.apply(parser.parse_args(argv)), "official", "dataroot",
                                "out")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        generator, run, states = compare_generator(args, work)
        probe = ZSLProbe(run, args.seed, args.draws_seed)
        total = run["total"]
        classifier = (compare_classifier(args, work, probe, run["states"][total])
                      if args.backbone == "fvaegan" and not args.float64 else {})
        per_pass = -(-len(run["X"]) // BATCH)  # iterations in a pass of a full epoch
        evaluate = sorted(s for s in {*args.checkpoints, total}
                          if s <= total and (s % per_pass == 0 or s == total))
        zsl = {} if args.float64 else zsl_t1_of_trajectories(probe, states, evaluate)
    result = {"backbone": args.backbone, "float64": args.float64, "seed": args.seed,
              "draws_seed": args.draws_seed,
              "steps": args.steps, "epochs": args.epochs, "iterations": total,
              "generator": generator, "classifier": classifier, "zsl_t1": zsl}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1))
    print("Weights after each checkpoint (largest absolute difference; relative: "
          "||a - b|| / ||b - initial||, the largest over the networks)\n")
    print("| iteration | official vs skzsl per-tensor Adam | official vs skzsl fused Adam | "
          "skzsl fused vs per-tensor Adam (rounding floor) |\n|---|---|---|---|")
    for row in generator["rows"]:
        cells = [f"{row[k]['max_abs']:.1e} ({row[k]['relative']:.1e})"
                 for k in ("official", "official_fused", "fused")]
        print(f"| {row['step']} | {' | '.join(cells)} |")
    print("inputs:", generator["inputs"], "draws:", generator["draws"])
    print("GP weight: first iteration that differs:", generator["gp_first_differing_iteration"])
    print("classifier:", {k: v for k, v in classifier.items() if not k.endswith("accs")})
    print("\n| iteration | ZSL T1 (last classifier epoch): official | skzsl per-tensor Adam | "
          "skzsl fused Adam |\n|---|---|---|---|")
    for step, codes in zsl.items():
        cells = [f"{codes[c]['t1']:.4f} ({codes[c]['last']:.4f})"
                 for c in ("official", "skzsl", "skzsl_fused")]
        print(f"| {step} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
