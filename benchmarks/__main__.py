"""``python -m benchmarks <name> [--flags]``: run one benchmark (``--help`` lists them)."""

import ast
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name -> module of this package; each has main(argv)
BENCHMARKS = ("baselines", "generative", "backbones", "early_stopping", "attention", "cli",
              "parity_official", "parity_skzsl", "parity_weights", "parity_alternate",
              "parity_trajectory", "parity_sdgzsl", "redesign", "extraction", "ablation")


def summary(name):
    """The first line of a benchmark's docstring, read without importing it."""
    doc = ast.get_docstring(ast.parse((HERE / f"{name}.py").read_text())) or ""
    return doc.splitlines()[0] if doc else ""


def usage():
    width = max(map(len, BENCHMARKS))
    lines = ["usage: python -m benchmarks <name> [--flags]   (from the repository root)", "",
             "Run one of skzsl's benchmarks; `python -m benchmarks <name> --help` for its flags.",
             "", "benchmarks:"]
    lines += [f"  {name:<{width}}  {summary(name)}" for name in BENCHMARKS]
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(usage())
        return 0 if argv else 2
    name, rest = argv[0], argv[1:]
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"benchmarks.{name}")
    return module.main(rest)


if __name__ == "__main__":
    sys.exit(main())
