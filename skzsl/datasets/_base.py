"""Where skzsl looks for user-supplied benchmark data."""

import os

from sklearn.utils._param_validation import validate_params

__all__ = ["get_data_home"]

DATA_HOME_ENV = "SKZSL_DATA"


@validate_params({"data_home": [str, os.PathLike, None]}, prefer_skip_nested_validation=True)
def get_data_home(data_home=None):
    """Return the folder where skzsl looks for benchmark data.

    skzsl downloads nothing: the benchmark files (for instance the xlsa17
    archive) are large and distributed by their authors, so you unpack them
    once and tell skzsl where they are. The folder is, in order of precedence,
    ``data_home`` when given, else the ``SKZSL_DATA`` environment variable,
    else ``~/skzsl_data``. ``~`` is expanded. The folder is not created:
    loaders only read from it.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The data folder. ``None`` uses ``SKZSL_DATA`` or ``~/skzsl_data``.

    Returns
    -------
    data_home : str
        The path of the data folder (which may not exist).

    See Also
    --------
    load_xlsa17 : Load a GZSL benchmark from the data folder.

    Examples
    --------
    >>> from skzsl.datasets import get_data_home
    >>> get_data_home("/data/zsl")
    '/data/zsl'
    >>> import os
    >>> os.environ.get("SKZSL_DATA") is not None or get_data_home().endswith("skzsl_data")
    True
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or os.path.join("~", "skzsl_data")
    return os.path.expanduser(os.fspath(data_home))
