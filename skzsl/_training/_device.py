"""Devices and seeding of the neural estimators."""

import contextlib
from numbers import Integral

import numpy as np
import torch
from sklearn.utils import check_random_state

__all__ = ["available_devices", "resolve_device", "resumed", "rng_state",
           "seed_from_random_state", "seeded"]


def available_devices():
    """The device strings this machine accepts, besides ``"auto"``.

    ``"cpu"``; ``"cuda"`` and ``"cuda:0"`` ... ``"cuda:N-1"`` when torch sees
    N CUDA devices; ``"mps"`` and ``"xpu"`` when torch has them.
    """
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices += ["cuda", *(f"cuda:{i}" for i in range(torch.cuda.device_count()))]
    for kind in ("mps", "xpu"):
        backend = getattr(torch.backends, kind, None) or getattr(torch, kind, None)
        if backend is not None and backend.is_available():
            devices.append(kind)
    return devices


def resolve_device(device):
    """Turn the ``device`` parameter into a torch device string.

    ``"auto"`` is CUDA when available, else CPU. Anything else must be one of
    :func:`available_devices`; the error names them, instead of failing deep
    inside torch.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    available = available_devices()
    if device not in available:
        if str(device).startswith("cuda") and not torch.cuda.is_available():
            reason = "CUDA is not available on this machine"
        else:
            reason = "no such device on this machine"
        raise ValueError(
            f"device={device!r}: {reason}. Use 'auto' (CUDA when present, CPU otherwise) "
            f"or one of the available devices: {', '.join(map(repr, available))}."
        )
    return device


def seed_from_random_state(random_state):
    """An integer torch seed drawn from a scikit-learn ``random_state``."""
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return int(random_state)
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


@contextlib.contextmanager
def seeded(seed, device="cpu"):
    """Run a block with torch's global generators seeded, restoring them after.

    skorch initialises modules and draws dropout masks from torch's global
    generator; forking it keeps ``random_state`` reproducible without changing
    the caller's random stream.
    """
    with torch.random.fork_rng(devices=_cuda_devices(device)):
        torch.manual_seed(seed)
        yield


def _cuda_devices(device):
    return [torch.device(device).index or 0] if str(device).startswith("cuda") else []


def rng_state(device="cpu"):
    """The state of torch's global generators that :func:`seeded` forks (CPU, and CUDA's).

    Taken at the end of a :func:`seeded` block, it lets a later block go on
    with the same random stream (:func:`resumed`).
    """
    return (torch.get_rng_state(),
            [torch.cuda.get_rng_state(index) for index in _cuda_devices(device)])


@contextlib.contextmanager
def resumed(state, device="cpu"):
    """Run a block from a :func:`rng_state`, restoring the caller's generators after."""
    cpu, cuda = state
    devices = _cuda_devices(device)
    with torch.random.fork_rng(devices=devices):
        torch.set_rng_state(cpu)
        for index, value in zip(devices, cuda, strict=True):
            torch.cuda.set_rng_state(value, index)
        yield


