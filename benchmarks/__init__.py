"""skzsl's benchmarks, one runner: ``python -m benchmarks <name> [--flags]``.

Run from the repository root. ``python -m benchmarks --help`` lists the
benchmarks; ``python -m benchmarks <name> --help`` gives each one's flags.
Every benchmark is a module here with a ``main(argv)`` and shares these
conventions (:mod:`benchmarks.common`):

- ``--dataset``: the data (``sun``: the SUN attribute-annotation benchmark,
  ``cub``: the CUB-shaped stand-in, ``digits``/``moving``: the embedded digits);
- ``--seeds S [S ...]``: the seeds to run, each one a fit;
- ``--epochs N``: generator / training epochs;
- ``--threads N``: torch threads (1 avoids oversubscription on a shared machine);
- ``--out PATH``: where the output (markdown or JSON) is written, besides stdout;
- ``--results PATH``: the JSON-lines store that runs append to and ``report`` reads;
- ``--data-dir PATH``: the shared data folder (default ``$SKZSL_SHARED_DATA``,
  else ``../shared/data`` next to the repository);
- ``--workdir PATH``: scratch folder for the parity scripts (the official code's
  copy, its data, its runs); usage lines write ``<official-copy>`` and
  ``<workdir>`` for folders outside the repository.

The benchmarks use skzsl's public API only (``tests/test_benchmarks.py`` checks it).
"""
