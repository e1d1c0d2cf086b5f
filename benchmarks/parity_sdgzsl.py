"""Same weights, same batch: skzsl's SDDN disentangler against the official SDGZSL code.

SDDN's disentanglement network (``skzsl.nn.generative``: ``DisentangledAutoencoder``,
``RelationNet``, ``TCDiscriminator``; ``disentanglement_terms`` and the discriminator's
loss) is rebuilt after SDGZSL (Chen et al., ICCV 2021, official code
github.com/uqzhichen/SDGZSL). This script runs the official code beside it on SUN-A, in
float64:

- **The official side is the official code.** Its ``models.py`` (``AE``,
  ``RelationNet``, ``Discriminator``), ``utils.py`` (``permute_dims``) and
  ``dataset_GBU.py`` (``DATA_LOADER``, ``FeatDataLayer``) are imported from the copy
  given; one training iteration is the body of the ``for it`` loop of its
  ``train.py``, parsed from the copy and executed as it is, with the flags of the SUN
  GZSL script (``scripts/sun.sh``). Only the VAE is replaced: ``model`` returns a
  fixed generated feature ``x_hat`` (the real batch plus fixed Gaussian noise,
  clipped to [0, 1]) and ``multinomial_loss_function`` returns 0, because SDDN's
  generator is its backbone, not SDGZSL's CVAE; the VAE's optimizer is a stand-in
  that clears the gradient of ``x_hat``, as the VAE's clears the VAE's.
- **The data are the official loader's.** SUN-A (the per-image attribute
  annotations, written by ``parity_official data``) read by ``DATA_LOADER``
  (MinMaxScaler on trainval, ``att`` as stored), batches of 64 from
  ``FeatDataLayer`` seeded with the script's ``manualSeed``; the same batch, labels
  and attribute rows, in float64, go to both sides. They are first checked against
  skzsl's own reading (``load_sun_attribute_benchmark``, scaled as ``fit`` does).
- **Same weights.** The official networks are built (PyTorch's default
  initialisation, seeded) and their weights copied into skzsl's; the relation
  network's first layer is split into ``latent`` (its first ``S`` columns and the
  bias) and ``semantic`` (the attribute columns). Both autoencoders run in eval
  mode: dropout (``ae_drop`` 0.4) is off, since its masks cannot be matched across
  two codes.
- **Two iterations**, as SDGZSL runs them with ``dis_step`` 3: a discriminator
  iteration (``coin == 0``: the discriminator steps on joint against permuted
  latents of the generated and of the real batch; the autoencoder and relation
  net step on relation matching and reconstruction) and, on the next batch, an
  iteration with the independence (TC) term instead, at ``gamma = tc_warmup *
  --epoch``. skzsl's side does what ``SDDNNet.generator_terms`` does in those
  iterations: ``disentanglement_terms`` on ``x_hat`` and on ``x``, both
  reconstructing ``x``, summed, and one Adam step of the autoencoder and relation
  net (fused, betas (0.9, 0.999), weight decay 1e-6: skzsl's optimizer for these
  networks; the official code steps per-tensor Adam with the same settings); in the
  discriminator iteration, first the discriminator's step on the latents of that
  same pass, ``batchwise_tc_discriminator_loss`` on the generated and on the real batch
  (the mean of the two: SDGZSL's sum at ``dis`` 0.5).

Compared: each loss term; the gradient of each term and of the total with respect
to every parameter and to ``x_hat`` (what reaches the generator); the
discriminator's loss and gradient; every parameter after each step. Each figure is
the largest absolute difference and the same relative to the largest absolute
value of the official tensor (after a step: to the largest change the step made;
the floor beside it is skzsl's fused Adam against per-tensor Adam on the same
gradients).

Permutations of the discriminator's loss: both codes permute the two latents of the
generated batch, then of the real batch, one ``randperm(64)`` each, from the global
generator. skzsl's step runs from the seed SDGZSL's iteration started from, and the
script checks that the draws are the ones SDGZSL's ``permute_dims`` returned.

Usage (from the repository root)::

    python -m benchmarks parity_sdgzsl --workdir <workdir> --official SDGZSL \\
        --dataroot suna_data

``<workdir>/SDGZSL``: an unpatched copy of uqzhichen/SDGZSL (its ``models.py``,
``utils.py`` and ``dataset_GBU.py`` run on CPU with current torch as they are;
``train.py`` is parsed, never imported); ``suna_data``: written by
``python -m benchmarks parity_official data --workdir <workdir> suna_data``. Relative
paths are read under ``--workdir``. The script never stores the official code; it
imports it from the copy given.
"""

import ast
import importlib.util
import math
import sys
import time
import types
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.preprocessing import MinMaxScaler

from skzsl.nn.generative import DisentangledAutoencoder, RelationNet, TCDiscriminator
from skzsl.nn.generative_terms import batchwise_tc_discriminator_loss, disentanglement_terms

from . import common
from .standins import load_sun_attribute_benchmark

# scripts/sun.sh L3-5 (GZSL, no fine-tuning); train.py's defaults for the flags it leaves out
SUN_FLAGS = dict(ga=30.0, beta=0.3, dis=0.5, dis_step=3, tc_warmup=0.0003, kl_warmup=0.001,
                 ae_drop=0.4, lr=3e-4, weight_decay=1e-6, batchsize=64, manualSeed=5606)
# skzsl's Adam for these networks: ``_SDGZSL_ADAM`` of SDDN, fused on CPU as ADAM_GAN builds it
SKZSL_ADAM = dict(betas=(0.9, 0.999), weight_decay=1e-6, fused=True)
# the official AE decoder and relation net are 2048 wide whatever the flags (models.py L104, L123)
OFFICIAL_HIDDEN = 2048


# ---------------------------------------------------------------- the official code

def official_module(official, name):
    """``<official>/<name>.py`` as a module, loaded from the copy given."""
    spec = importlib.util.spec_from_file_location(f"official_sdgzsl_{name}",
                                                  Path(official) / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def iteration_statements(train_py):
    """The body of ``train()``'s ``for it`` loop in ``train.py``, compiled in two parts
    split before ``optimizer.zero_grad()``: up to the losses (and the discriminator's
    step), then the networks' step and what follows."""
    tree = ast.parse(Path(train_py).read_text())
    train = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "train")
    loop = next(n for n in train.body if isinstance(n, ast.For)
                and isinstance(n.target, ast.Name) and n.target.id == "it")
    split = next(i for i, s in enumerate(loop.body) if isinstance(s, ast.Expr)
                 and ast.unparse(s) == "optimizer.zero_grad()")

    def code(statements):
        return compile(ast.Module(body=statements, type_ignores=[]), str(train_py), "exec")

    return code(loop.body[:split]), code(loop.body[split:])


class FixedGenerated:
    """Stands for SDGZSL's VAE: ``model(X, C)`` returns the next fixed ``x_hat`` (a leaf).

    Also its optimizer: ``zero_grad`` clears the gradient of ``x_hat``, as the VAE's
    optimizer clears the VAE's before the main backward pass.
    """

    def __init__(self, fakes):
        self.fakes = [fake.clone().requires_grad_() for fake in fakes]
        self.current = None

    def __call__(self, X, C):
        self.current = self.fakes.pop(0)
        return self.current, None, None, None

    def zero_grad(self):
        self.current.grad = None

    def step(self):
        pass


class ReplayedBatches:
    """``data_layer`` of ``train.py``: hands out the batches drawn beforehand."""

    def __init__(self, blobs):
        self.blobs = list(blobs)

    def forward(self):
        return self.blobs.pop(0)


def no_vae_loss(*args, beta=None):
    """``multinomial_loss_function`` without a VAE: ``(loss, ce, kl)`` all 0."""
    zero = torch.zeros(())
    return zero, zero, zero


def build_official(models, opt, seed):
    torch.manual_seed(seed)
    # train.py L105-107, in that order
    relation = models.RelationNet(opt)
    discriminator = models.Discriminator(opt)
    return {"ae": models.AE(opt), "relation": relation, "discriminator": discriminator}


def official_namespace(opt, dataset, blobs, vae, theirs, permute_dims):
    """What the loop body of ``train.py`` reads: its L116-128 and the stand-ins."""
    adam = dict(lr=opt.lr, weight_decay=opt.weight_decay)
    return {
        "np": np, "torch": torch, "nn": torch.nn, "F": F, "opt": opt, "dataset": dataset,
        "data_layer": ReplayedBatches(blobs), "model": vae, "optimizer": vae,
        "multinomial_loss_function": no_vae_loss, "permute_dims": permute_dims,
        "ae": theirs["ae"], "relationNet": theirs["relation"],
        "discriminator": theirs["discriminator"],
        "relation_optimizer": torch.optim.Adam(theirs["relation"].parameters(), **adam),
        "dis_optimizer": torch.optim.Adam(theirs["discriminator"].parameters(), **adam),
        "ae_optimizer": torch.optim.Adam(theirs["ae"].parameters(), **adam),
        "ones": torch.ones(opt.batchsize, dtype=torch.long),
        "zeros": torch.zeros(opt.batchsize, dtype=torch.long),
        "mse": torch.nn.MSELoss(), "iters": math.ceil(dataset.ntrain / opt.batchsize),
        "beta": 0.01, "coin": 0, "gamma": 0}


# ---------------------------------------------------------------- skzsl's side

def build_skzsl(opt):
    return {"ae": DisentangledAutoencoder(opt.X_dim, OFFICIAL_HIDDEN, opt.S_dim, opt.NS_dim,
                                          dropout=opt.ae_drop),
            "relation": RelationNet(opt.S_dim, opt.C_dim, OFFICIAL_HIDDEN),
            "discriminator": TCDiscriminator(2 * opt.S_dim)}


def skzsl_discriminator_step(ours, optimizer, latents):
    """``SDDNNet.generator_terms``' discriminator update on the latents of ``x_hat`` then ``x``.

    Each batch's two latents are permuted on their own (two draws per batch), as
    SDGZSL's ``permute_dims``.
    """
    disc = ours["discriminator"]
    loss = batchwise_tc_discriminator_loss(disc, latents)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    grads = [p.grad.clone() for p in disc.parameters()]
    optimizer.step()
    return loss, grads


def skzsl_generator_terms(ours, X, fake, y, semantics, weights, independence):
    """``SDDNNet.generator_terms``' disentanglement: on ``fake`` then ``X``, reconstructing X."""
    terms, latents = {}, []
    for features in (fake, X):
        latent, more = disentanglement_terms(
            ours["ae"], ours["relation"], ours["discriminator"], features, y, semantics,
            weights, reconstruction_target=X, independence=independence)
        for name, term in more.items():
            terms[name] = terms[name] + term if name in terms else term
        latents.append(latent)
    return terms, latents


# ---------------------------------------------------------------- comparison

def parameter_pairs(theirs, ours, latent_dim):
    """``(name, official parameter, its columns or None, skzsl parameter)``, each once."""
    pairs = [(f"autoencoder.{name}", p, None, ours["ae"].get_parameter(name))
             for name, p in theirs["ae"].named_parameters()]
    rel, mine = theirs["relation"], ours["relation"]
    pairs += [("relation.fc1.weight[:, :S] / latent.weight", rel.fc1.weight,
               slice(0, latent_dim), mine.latent.weight),
              ("relation.fc1.weight[:, S:] / semantic.weight", rel.fc1.weight,
               slice(latent_dim, None), mine.semantic.weight),
              ("relation.fc1.bias / latent.bias", rel.fc1.bias, None, mine.latent.bias),
              ("relation.fc2.weight / out.weight", rel.fc2.weight, None, mine.out.weight),
              ("relation.fc2.bias / out.bias", rel.fc2.bias, None, mine.out.bias)]
    disc, mine = theirs["discriminator"].fc1, ours["discriminator"].net[0]
    pairs += [("discriminator.fc1.weight", disc.weight, None, mine.weight),
              ("discriminator.fc1.bias", disc.bias, None, mine.bias)]
    return pairs


def _cut(tensor, cols):
    return tensor if cols is None else tensor[:, cols]


def difference(official, mine, scale=None):
    """(largest absolute difference, the same relative to ``scale`` or to max |official|)."""
    official, mine = official.detach(), mine.detach()
    worst = float((official - mine).abs().max())
    ref = float(official.abs().max() if scale is None else scale)
    return worst, worst / ref if ref > 0 else (0.0 if worst == 0 else math.inf)


def worst_of(rows):
    return max(r[0] for r in rows), max(r[1] for r in rows)


def gradients(loss, tensors):
    grads = torch.autograd.grad(loss, tensors, retain_graph=True, allow_unused=True)
    return [torch.zeros_like(t) if g is None else g for g, t in zip(grads, tensors, strict=True)]


class PerTensorAdam:
    """The floor: skzsl's updates redone by PyTorch's per-tensor Adam on a copy of its parameters.

    The same gradients and settings, another kernel (skzsl's Adam is fused): what
    rounding alone makes of an update.
    """

    def __init__(self, params, lr):
        self.copies = [p.detach().clone().requires_grad_() for p in params]
        self.optimizer = torch.optim.Adam(self.copies, lr=lr,
                                          **{**SKZSL_ADAM, "fused": False, "foreach": False})

    def step(self, grads):
        for copy, grad in zip(self.copies, grads, strict=True):
            copy.grad = grad.clone()
        self.optimizer.step()


def layer_layout(module):
    return [(type(m).__name__, getattr(m, "p", None), getattr(m, "negative_slope", None),
             tuple(getattr(m, "weight", torch.empty(0)).shape)) for m in module.modules()
            if not list(m.children())]


def check_data(dataset, names_by_row, X_skzsl, skzsl_attributes):
    """The official loader's scaled trainval features and ``att`` rows against skzsl's."""
    ours = MinMaxScaler().fit_transform(X_skzsl)
    np.clip(ours, 0, 1, out=ours)  # as BaseGenerativeClassifier.fit
    features = float(np.abs(ours - dataset.train_feature.numpy()).max())
    label_of = {}
    for name, label in zip(names_by_row, dataset.train_label.numpy(), strict=True):
        if label_of.setdefault(name, label) != label:
            raise AssertionError(f"class {name!r} has two official labels")
    if len(set(label_of.values())) != len(label_of):
        raise AssertionError("two classes share an official label")
    names = sorted(label_of, key=label_of.get)
    rows = skzsl_attributes.loc[names].to_numpy()
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)  # skzsl's semantic_scaling "l2"
    return features, float(np.abs(rows - dataset.train_att).max()), len(names)


class Parity:
    """Both codes side by side, one training iteration at a time, with what they differ by."""

    def __init__(self, opt, dataset, blobs, fakes, theirs, ours, official, seed):
        self.opt, self.blobs, self.fakes, self.seed = opt, blobs, fakes, seed
        self.before_step, self.after_step = iteration_statements(
            Path(official) / "train.py")
        utils = official_module(official, "utils")
        self.theirs, self.ours = theirs, ours
        self.pairs = parameter_pairs(theirs, ours, opt.S_dim)
        with torch.no_grad():
            for _, p, cols, q in self.pairs:
                q.copy_(_cut(p, cols))
        self.drawn = []

        def permute_dims(hs, hn):
            out = utils.permute_dims(hs, hn)
            self.drawn.append(tuple(t.detach() for t in out))
            return out

        self.vae = FixedGenerated(fakes)
        self.ns = official_namespace(opt, dataset, blobs, self.vae, theirs, permute_dims)
        self.semantics = torch.from_numpy(dataset.train_att)
        self.gen_pairs = [p for p in self.pairs if not p[0].startswith("discriminator")]
        self.disc_pairs = [p for p in self.pairs if p[0].startswith("discriminator")]
        mine = [q for *_, q in self.gen_pairs]
        self.optimizer = torch.optim.Adam(mine, lr=opt.lr, **SKZSL_ADAM)
        self.disc_optimizer = torch.optim.Adam(ours["discriminator"].parameters(), lr=opt.lr,
                                               **SKZSL_ADAM)
        self.floor_gen = PerTensorAdam(mine, opt.lr)
        self.floor_disc = PerTensorAdam([q for *_, q in self.disc_pairs], opt.lr)
        self.floor = {name: copy for (name, *_), copy in zip(
            self.gen_pairs + self.disc_pairs, self.floor_gen.copies + self.floor_disc.copies,
            strict=True)}
        self.values, self.grads, self.steps, self.notes = [], [], [], []

    def iteration(self, step, it):
        ns, opt = self.ns, self.opt
        ns["it"] = it
        discriminator_turn = ns["coin"] == 0
        kind = "discriminator iteration" if discriminator_turn else "TC iteration"
        start = {name: q.detach().clone() for name, *_, q in self.pairs}
        X = torch.from_numpy(self.blobs[step]["data"])
        y = torch.from_numpy(self.blobs[step]["labels"].astype(np.int64))
        self.drawn.clear()
        torch.manual_seed(self.seed + 2 + step)
        exec(self.before_step, ns)
        weights = {"reconstruction": 1.0, "relation": opt.ga,
                   "independence": opt.beta * ns["gamma"]}
        fake = self.fakes[step].clone().requires_grad_()
        terms, latents = skzsl_generator_terms(self.ours, X, fake, y, self.semantics, weights,
                                               independence=not discriminator_turn)
        if discriminator_turn:
            self._discriminator(kind, step, latents)
        official_terms = {"loss_relation": ns["p_loss"], "loss_reconstruction": ns["rec"]}
        if not discriminator_turn:
            official_terms["loss_independence"] = ns["tc_loss"]
        names = [name for name, *_ in self.gen_pairs] + ["x_hat (to the generator)"]
        cols = [c for _, _, c, _ in self.gen_pairs] + [None]
        theirs = [p for _, p, _, _ in self.gen_pairs] + [self.vae.current]
        mine = [q for *_, q in self.gen_pairs] + [fake]
        for term, official in official_terms.items():
            self.values.append((kind, term, *difference(official, terms[term]),
                                float(official)))
            rows = [difference(_cut(a, c), b) for a, b, c in zip(
                gradients(official, theirs), gradients(terms[term], mine), cols, strict=True)]
            self.grads.append((kind, term, "every parameter and x_hat", *worst_of(rows)))
        total = sum(terms.values())
        self.values.append((kind, "generator step, total", *difference(ns["loss"], total),
                            float(ns["loss"])))
        self.optimizer.zero_grad(set_to_none=True)
        total.backward()
        grads = [q.grad.clone() for q in mine]
        self.optimizer.step()
        self.floor_gen.step(grads[:-1])
        exec(self.after_step, ns)
        for name, p, g, c in zip(names, theirs, grads, cols, strict=True):
            self.grads.append((kind, "generator step, total", name,
                               *difference(_cut(p.grad, c), g)))
        for name, p, c, q in self.pairs if discriminator_turn else self.gen_pairs:
            moved = float((q.detach() - start[name]).abs().max())
            self.steps.append((kind, name, *difference(_cut(p, c), q, scale=moved),
                               difference(self.floor[name], q, scale=moved)[1], moved))
        self.notes.append(f"{kind}: it {it}, gamma {ns['gamma']:.4g}, "
                          f"{len(torch.unique(y))} classes in the batch")

    def _discriminator(self, kind, step, latents):
        """skzsl's discriminator step on the same seed as SDGZSL's: the same four draws."""
        ns = self.ns
        torch.manual_seed(self.seed + 2 + step)
        loss, grads = skzsl_discriminator_step(self.ours, self.disc_optimizer, latents)
        n = len(latents[0][0])
        torch.manual_seed(self.seed + 2 + step)
        orders = [torch.randperm(n) for _ in range(4)]
        replayed = [(ns["hs1"][orders[0]], ns["hn1"][orders[1]]),
                    (ns["hs2"][orders[2]], ns["hn2"][orders[3]])]
        if not all(torch.equal(a, b.detach()) for got, want in zip(self.drawn, replayed,
                                                                     strict=True)
                   for a, b in zip(got, want, strict=True)):
            raise AssertionError("SDGZSL's permutations are not the draws skzsl's seed gives")
        self.floor_disc.step(grads)
        self.values.append((kind, "discriminator (same draws)",
                            *difference(ns["tc_loss"], loss), float(ns["tc_loss"])))
        for (name, p, cols, _), g in zip(self.disc_pairs, grads, strict=True):
            self.grads.append((kind, "discriminator (same draws)", name,
                               *difference(_cut(p.grad, cols), g)))


def report(parity, header):
    lines = [*header, *parity.notes, "", "### Loss values", "",
             "| iteration | term | abs. difference | relative | official value |",
             "|---|---|---|---|---|"]
    lines += [f"| {k} | {t} | {a:.1e} | {r:.1e} | {v:.6g} |" for k, t, a, r, v in parity.values]
    lines += ["", "### Gradients", "",
              "| iteration | loss | with respect to | abs. difference | relative |",
              "|---|---|---|---|---|"]
    lines += [f"| {k} | {t} | {n} | {a:.1e} | {r:.1e} |" for k, t, n, a, r in parity.grads]
    lines += ["", "### Parameters after the step", "",
              "Relative: to the largest change the step made; floor: skzsl's fused Adam "
              "against per-tensor Adam on the same gradients, relative.", "",
              "| after | parameter | abs. difference | relative | floor | largest change |",
              "|---|---|---|---|---|---|"]
    lines += [f"| {k} | {n} | {a:.1e} | {r:.1e} | {f:.1e} | {m:.2e} |"
              for k, n, a, r, f, m in parity.steps]
    worst = max([r for *_, r, _ in parity.values] + [r for *_, r in parity.grads]
                + [r for *_, r, _, _ in parity.steps])
    return lines, worst


def main(argv=None):
    parser = common.parser("parity_sdgzsl", __doc__)
    parser.add_argument("--official", required=True, help="a copy of uqzhichen/SDGZSL")
    parser.add_argument("--dataroot", required=True,
                        help="SUN-A in the xlsa17 layout (parity_official data)")
    parser.add_argument("--latent-dim", type=int, default=2048,
                        help="S_dim = NS_dim (the SUN script: 2048)")
    parser.add_argument("--epoch", type=int, default=397,
                        help="warm-up epoch of the TC iteration, gamma = tc_warmup * epoch "
                             "(397, the last of the SUN run: gamma 0.119)")
    parser.add_argument("--noise", type=float, default=0.1,
                        help="std of the fixed noise that makes x_hat from the real batch")
    parser.add_argument("--seed", type=int, default=0, help="weights, noise and permutations")
    parser.add_argument("--tol", type=float, default=1e-9,
                        help="largest relative difference accepted (exit 1 above it)")
    parser.add_argument("--out", default=None, help="also write the tables here")
    common.add_workdir(parser)
    common.add_data_dir(parser)
    common.add_threads(parser)
    args = common.apply(common.under_workdir(parser.parse_args(argv), "official", "dataroot",
                                             "out"))
    started = time.time()
    torch.set_default_dtype(torch.float64)
    models = official_module(args.official, "models")
    data = official_module(args.official, "dataset_GBU")

    opt = types.SimpleNamespace(
        **SUN_FLAGS, dataset="SUN", dataroot=str(args.dataroot), image_embedding="res101",
        class_embedding="att", finetune=False, S_dim=args.latent_dim, NS_dim=args.latent_dim,
        gpu=torch.device("cpu"), disp_interval=10**9, evl_interval=10**9, evl_start=10**9,
        save_interval=10**9)
    dataset = data.DATA_LOADER(opt)
    opt.C_dim, opt.X_dim = dataset.att_dim, dataset.feature_dim
    sun = load_sun_attribute_benchmark()
    feature_diff, attribute_diff, n_seen = check_data(
        dataset, sun.y_trainval, sun.X_trainval.astype(np.float64), sun.class_attributes)
    # from here both sides read the official loader's values, in float64
    dataset.train_att = dataset.train_att.astype(np.float64)
    np.random.seed(opt.manualSeed)
    layer = data.FeatDataLayer(dataset.train_label.numpy(),
                               dataset.train_feature.double().numpy(), opt)
    blobs = [layer.forward() for _ in range(2)]
    noise = torch.Generator().manual_seed(args.seed)
    fakes = [(torch.from_numpy(b["data"]) + args.noise * torch.randn(
        b["data"].shape, generator=noise)).clamp(0, 1) for b in blobs]

    theirs, ours = build_official(models, opt, args.seed), build_skzsl(opt)
    for network in (*theirs.values(), *ours.values()):
        network.eval()
    parity = Parity(opt, dataset, blobs, fakes, theirs, ours, args.official, args.seed)
    first = args.epoch * parity.ns["iters"]
    for step, it in enumerate((first, first + 1)):
        parity.iteration(step, it)

    header = [f"## SDDN's disentangler against SDGZSL (S_dim = NS_dim = {opt.S_dim}, float64)",
              "", common.command("parity_sdgzsl", argv if argv is not None else sys.argv[1:]),
              f"{common.now()}; {common.machine()}", "",
              f"Data: the official loader's scaled trainval features against skzsl's scaling "
              f"of load_sun_attribute_benchmark(): {feature_diff:.1e}; `att` rows of the "
              f"{n_seen} seen classes against skzsl's l2-scaled class table: "
              f"{attribute_diff:.1e}.",
              "Autoencoder layers equal (types, dropout p, slopes, shapes): "
              f"{layer_layout(theirs['ae']) == layer_layout(ours['ae'])}."]
    lines, worst = report(parity, header)
    lines += ["", f"Largest relative difference: {worst:.1e} (tolerance {args.tol:g}); "
              f"{time.time() - started:.0f} s."]
    common.write("\n".join(lines), args.out)
    sys.exit(int(worst > args.tol))


if __name__ == "__main__":
    main()
