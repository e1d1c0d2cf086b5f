"""Same weights, same inputs: skzsl's TF-VAEGAN networks and loss terms against the official code.

Builds the official networks (``networks/TFVAEGAN_model.py``) and skzsl's
(``skzsl.nn.generative``) at small sizes, copies skzsl's weights into the
official ones, and compares on one batch: encoder mean and log-variance,
generator output with and without feedback, semantic decoder output and
hidden layer, critic scores; and the loss terms, with the official functions
``loss_fn`` (VAE), ``WeightedL1`` (decoder) and ``calc_gradient_penalty`` read
from the official ``train_images.py`` at run time (their source is parsed
from the local copy given, never stored in this repository) against
``vae_loss``, ``weighted_l1_loss`` and ``gradient_penalty``. Prints the
largest absolute difference of each; exits 1 if one exceeds ``--tol``.

Usage (from the repository root)::

    python -m benchmarks parity_weights --official <official-copy>

``<official-copy>``: a copy of akshitac8/tfvaegan (see ``parity_official``); a relative
path is read under ``--workdir``.
"""

import ast
import importlib.util
import sys
import types
from pathlib import Path

import torch

from skzsl.nn.generative import (
    ConditionalCritic,
    ConditionalEncoder,
    ConditionalGenerator,
    FeedbackModule,
    ModuleBundle,
    SemanticDecoder,
    init_normal_,
)
from skzsl.nn.generative_losses import (
    gradient_penalty,
    vae_loss,
    weighted_l1_loss,
)

from . import common

N_FEATURES, N_ATT, HIDDEN, BATCH = 40, 12, 64, 16


def official_functions(train_images, namespace):
    """``loss_fn``, ``WeightedL1`` and ``calc_gradient_penalty`` from the official file."""
    tree = ast.parse(Path(train_images).read_text())
    wanted = {"loss_fn", "WeightedL1", "calc_gradient_penalty"}
    nodes = [node for node in tree.body if isinstance(node, ast.FunctionDef)
             and node.name in wanted]
    exec(compile(ast.Module(body=nodes, type_ignores=[]), train_images, "exec"), namespace)
    return {name: namespace[name] for name in wanted}


def _variable(tensor, requires_grad=False, **kwargs):
    """PyTorch 0.3's ``Variable`` as the official functions use it."""
    return tensor.detach().requires_grad_(True) if requires_grad else tensor


def official_networks(official):
    """The official ``networks/TFVAEGAN_model.py``, loaded from the copy given."""
    path = Path(official) / "networks" / "TFVAEGAN_model.py"
    spec = importlib.util.spec_from_file_location("official_tfvaegan_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv=None):
    parser = common.parser("parity_weights", __doc__)
    parser.add_argument("--official", required=True, help="a copy of akshitac8/tfvaegan")
    parser.add_argument("--tol", type=float, default=1e-5)
    common.add_workdir(parser)
    args = common.under_workdir(parser.parse_args(argv), "official")
    official = official_networks(args.official)

    opt = types.SimpleNamespace(encoder_layer_sizes=[N_FEATURES, HIDDEN],
                                decoder_layer_sizes=[HIDDEN, N_FEATURES], latent_size=N_ATT,
                                resSize=N_FEATURES, attSize=N_ATT, ndh=HIDDEN, ngh=HIDDEN,
                                batch_size=BATCH, cuda=False, lambda1=10.0)
    torch.manual_seed(0)
    ours = {"encoder": ConditionalEncoder(N_FEATURES, N_ATT, HIDDEN, N_ATT),
            "generator": ConditionalGenerator(N_ATT, N_ATT, HIDDEN, N_FEATURES),
            "critic": ConditionalCritic(N_FEATURES, N_ATT, HIDDEN),
            "decoder": SemanticDecoder(N_FEATURES, HIDDEN, N_ATT),
            "feedback": FeedbackModule(HIDDEN)}
    for module in ours.values():
        init_normal_(module)
    theirs = {"encoder": official.Encoder(opt), "generator": official.Generator(opt),
              "critic": official.Discriminator_D1(opt), "decoder": official.AttDec(opt, N_ATT),
              "feedback": official.Feedback(opt)}
    # parameter order is the same in both (layer by layer), only the names differ
    for name in ours:
        mine, other = list(ours[name].parameters()), list(theirs[name].parameters())
        assert [p.shape for p in mine] == [p.shape for p in other], name
        with torch.no_grad():
            for p, q in zip(mine, other, strict=True):
                q.copy_(p)
    bundle = ModuleBundle(torch.eye(N_ATT), torch.arange(N_ATT), **ours)

    X = torch.rand(BATCH, N_FEATURES)
    attributes = torch.nn.functional.normalize(torch.rand(BATCH, N_ATT), dim=1)
    noise = torch.randn(BATCH, N_ATT)
    diffs = {}
    with torch.no_grad():
        mu, logvar = ours["encoder"](X, attributes)
        mu_o, logvar_o = theirs["encoder"](X, attributes)
        diffs["encoder mean"] = (mu - mu_o).abs().max()
        diffs["encoder log-variance"] = (logvar - logvar_o).abs().max()
        fake = ours["generator"](noise, attributes)
        diffs["generator"] = (fake - theirs["generator"](noise, c=attributes)).abs().max()
        theirs["decoder"](fake)
        hidden_o = theirs["decoder"].getLayersOutDet()
        diffs["decoder output"] = (ours["decoder"](fake) - theirs["decoder"].out).abs().max()
        diffs["decoder hidden"] = (ours["decoder"].hidden(fake) - hidden_o).abs().max()
        fed = bundle.generate(noise, attributes, feedback_weight=0.1)
        fed_o = theirs["generator"](noise, a1=0.1, c=attributes,
                                    feedback_layers=theirs["feedback"](hidden_o))
        diffs["generator with feedback"] = (fed - fed_o).abs().max()
        diffs["critic"] = (ours["critic"](X, attributes)
                           - theirs["critic"](X, attributes).squeeze(1)).abs().max()

    namespace = {"torch": torch, "Variable": _variable, "autograd": torch.autograd, "opt": opt}
    fns = official_functions(Path(args.official) / "train_images.py", namespace)
    recon = fake.clamp(1e-4, 1 - 1e-4)
    diffs["VAE loss"] = (vae_loss(recon, X, mu, logvar) - fns["loss_fn"](recon, X, mu, logvar)
                         ).abs()
    decoded = ours["decoder"](fake)
    diffs["decoder loss (weighted L1)"] = (weighted_l1_loss(decoded, attributes)
                                           - fns["WeightedL1"](decoded, attributes)).abs()
    torch.manual_seed(1)
    penalty = gradient_penalty(ours["critic"], X, fake, attributes)
    torch.manual_seed(1)
    penalty_o = fns["calc_gradient_penalty"](theirs["critic"], X, fake, attributes) / opt.lambda1
    diffs["gradient penalty"] = (penalty - penalty_o).abs()

    worst = 0.0
    print("| quantity | largest absolute difference |\n|---|---|")
    for name, value in diffs.items():
        print(f"| {name} | {float(value):.2e} |")
        worst = max(worst, float(value))
    sys.exit(int(worst > args.tol))


if __name__ == "__main__":
    main()
