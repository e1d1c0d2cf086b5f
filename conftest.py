"""pytest configuration for the tests and the doctests of the package.

The models in tests and docstring examples are tiny: torch's intra-op threads
cost more than they save there (a fit took 3.7 s instead of 0.27 s with the
default thread count on a 2-core machine), so one thread.
"""

import torch

torch.set_num_threads(1)
