"""Sphinx configuration of the skzsl documentation.

Build with ``sphinx-build -W --keep-going -b html docs docs/_build/html``.
The build is offline: intersphinx links to numpy, scikit-learn, torch... are
only made when ``SKZSL_DOCS_INTERSPHINX=1`` is set (it downloads inventories).
"""

import os
import re

import matplotlib
import torch

matplotlib.use("Agg")
# The examples train tiny networks; on a few shared CPU cores, PyTorch's
# thread pool costs more than it gives (15x slower here with the default).
torch.set_num_threads(1)

import skzsl  # noqa: E402

project = "skzsl"
author = "The skzsl developers"
copyright = "The skzsl developers"
# one version string everywhere: the package's, as `skzsl --version` prints it
release = version = skzsl.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/**/*.ipynb"]
default_role = "literal"

# -- API reference ------------------------------------------------------------
autosummary_generate = True
# Members a class inherits from scikit-learn's mixins and BaseEstimator
# (get_params, set_params, score, ...) and from torch.nn.Module are left to
# those projects' docs: their docstrings cross-reference labels of their own
# sites, which an offline build cannot resolve. Members inherited from skzsl's
# own bases (predict, predict_proba, decision_function) are shown. Those of
# Python's exceptions (errno, strerror... of OSError, for ImageReadError) are
# left to Python's docs as well.
autodoc_default_options = {
    "members": True,
    "inherited-members": ("ClassifierMixin,TransformerMixin,_SetOutputMixin,BaseEstimator,"
                          "Module,BaseException,Exception,OSError"),
}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
# Structural checks of every documented docstring; a failure is a warning,
# so an error under -W. The plain torch modules of skzsl.nn document less.
numpydoc_validation_checks = {
    "GL06", "GL07", "PR01", "PR02", "PR03", "PR06", "PR07", "PR10", "RT01", "RT03", "SS01", "SS03",
}
numpydoc_validation_exclude = {r"^skzsl\.nn\.", r"\.__init__$"}

# -- Examples gallery -----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    # Only plot_*.py files run; the others (e.g. loading xlsa17, which needs
    # the data) are rendered as code.
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "subsection_order": [
        "../examples/basics",
        "../examples/model_selection",
        "../examples/pipelines",
        "../examples/generative",
        "../examples/datasets",
        "../examples/feature_extraction",
        "../examples/scale_out",
    ],
    "doc_module": ("skzsl",),
    "reference_url": {"skzsl": None},
    "backreferences_dir": "generated/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "min_reported_time": 1,
    # timings go to the build log, not to a file in the source tree
    "write_computation_times": False,
}

# -- HTML -------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skzsl {version}"
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
html_show_sourcelink = False
html_context = {"default_mode": "light"}

myst_heading_anchors = 3

# -- Intersphinx: online only ---------------------------------------------------------
if os.environ.get("SKZSL_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "pandas": ("https://pandas.pydata.org/docs", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "skorch": ("https://skorch.readthedocs.io/en/stable", None),
        "torch": ("https://docs.pytorch.org/docs/stable", None),
        "joblib": ("https://joblib.readthedocs.io/en/stable", None),
    }

# -- Hooks ---------------------------------------------------------------------------


def _quote_shape_attributes(app, what, name, obj, options, lines):
    # numpydoc types such as "ndarray of shape (n_features_in_,)" would read
    # "n_features_in_" as a reST link target; quote it, as scikit-learn does.
    for i, line in enumerate(lines):
        lines[i] = re.sub(r"\((n_features_in_),\)", r"(``\1``,)", line)


def _skip_metadata_routing(app, what, name, obj, skip, options):
    # scikit-learn generates set_{fit,score,...}_request on every estimator;
    # metadata routing is scikit-learn's to document.
    if name == "get_metadata_routing" or re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_routing)
    app.connect("autodoc-process-docstring", _quote_shape_attributes, priority=400)
