"""Small real GZSL datasets that ship with scikit-learn: handwritten digits, centred or moving."""

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.utils import Bunch, check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

__all__ = ["load_digits_zsl", "load_moving_digits_zsl"]

DIGIT_ATTRIBUTE_NAMES = (
    "a_top", "b_upper_right", "c_lower_right", "d_bottom", "e_lower_left", "f_upper_left",
    "g_middle", "closed_loops", "diagonal_stroke", "curved_stroke",
)

# Rows are digits 0-9, columns DIGIT_ATTRIBUTE_NAMES; the docstring of
# load_digits_zsl says why each handwritten digit reads as it does.
DIGIT_ATTRIBUTES = np.array([
    #  a  b  c  d  e  f  g  loops diag curve
    [1, 1, 1, 1, 1, 1, 0, 1, 0, 1],  # 0
    [0, 1, 1, 0, 0, 0, 0, 0, 0, 0],  # 1
    [1, 1, 0, 1, 0, 0, 0, 0, 1, 1],  # 2
    [1, 1, 1, 1, 0, 0, 1, 0, 0, 1],  # 3
    [0, 1, 1, 0, 0, 1, 1, 0, 1, 0],  # 4
    [1, 0, 1, 1, 0, 1, 1, 0, 0, 1],  # 5
    [0, 0, 1, 1, 1, 1, 1, 1, 0, 1],  # 6
    [1, 1, 0, 0, 0, 0, 1, 0, 1, 0],  # 7
    [1, 1, 1, 1, 1, 1, 1, 2, 0, 1],  # 8
    [1, 1, 1, 1, 0, 1, 1, 1, 0, 1],  # 9
], dtype=np.float64)

DIGIT_NAMES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

UNSEEN_DIGITS = (3, 7, 9)
VAL_DIGITS = (4, 6)
TEST_FRACTION = 0.2
SPLIT_SEED = 0


@validate_params({"return_regions": ["boolean"],
                  "region_layout": [StrOptions({"patch", "window"})]},
                 prefer_skip_nested_validation=True)
def load_digits_zsl(*, return_regions=False, region_layout="patch"):
    """Load handwritten digits as a generalized zero-shot problem.

    The 1797 8x8 images of :func:`sklearn.datasets.load_digits` (real data,
    shipped with scikit-learn, no download) with a hand-made attribute table
    that describes how each digit is written. Digits 3, 7 and 9 are unseen:
    a model learns the attributes from the other seven digits and must
    recognise 3, 7 and 9 from their rows of the table alone.

    The attributes are the seven segments of a seven-segment display, read
    off the way people *write* the digit, plus three shape attributes:

    ===== ===================================================================
    name  meaning
    ===== ===================================================================
    a..g  a stroke where the segment is: a top, b upper right, c lower right,
          d bottom, e lower left, f upper left, g middle
    loops ``closed_loops``: the number of closed loops (0, 1 or 2)
    diag  ``diagonal_stroke``: a slanted straight stroke
    curve ``curved_stroke``: the digit is written with curves
    ===== ===================================================================

    ===== = = = = = = = ===== ==== =====
    digit a b c d e f g loops diag curve
    ===== = = = = = = = ===== ==== =====
    0     1 1 1 1 1 1 0 1     0    1
    1     0 1 1 0 0 0 0 0     0    0
    2     1 1 0 1 0 0 0 0     1    1
    3     1 1 1 1 0 0 1 0     0    1
    4     0 1 1 0 0 1 1 0     1    0
    5     1 0 1 1 0 1 1 0     0    1
    6     0 0 1 1 1 1 1 1     0    1
    7     1 1 0 0 0 0 1 0     1    0
    8     1 1 1 1 1 1 1 2     0    1
    9     1 1 1 1 0 1 1 1     0    1
    ===== = = = = = = = ===== ==== =====

    Where handwriting differs from the display (checked on the mean image
    of each digit in this data): a 1 is a single vertical stroke, coded as
    the right-hand segments b and c; a 2 is a top arc, a diagonal down to the
    left and a bottom bar, with no middle bar; a 4 has an open top and a
    slanted left stroke; a 6 has no top bar, just a curve down the left into
    a bottom loop; a 7 is a top bar and a slanted stroke, crossed in the
    middle by most writers of this data set; a 9 is a top loop on a stem
    with a tail at the bottom.

    Parameters
    ----------
    return_regions : bool, default=False
        If True, return each image as nine regions instead of 64 pixels:
        the 8x8 image is padded with one blank row at the bottom and one
        blank column at the right to 9x9 and cut into nine 3x3 patches, in
        row-major order (top-left, top-centre, ..., bottom-right), giving
        arrays of shape (n_samples, 9, 9). The segments live in different
        patches, so attention models have parts to find.
    region_layout : {"patch", "window"}, default="patch"
        How each region is represented when ``return_regions=True`` (ignored
        otherwise). ``"patch"``: the region's 9 pixels, shape
        (n_samples, 9, 9); the same vector wherever the patch sits, so the
        features carry no position. ``"window"``: the padded 9x9 image seen
        through the region's window, i.e. multiplied by the region's 0/1 mask
        and flattened (the patch's pixels at their place in an otherwise
        blank 9x9 canvas), shape (n_samples, 9, 81). Like CNN region
        features, a window carries its position: a linear score of a region
        is specific to where the region is, and the nine windows add up to
        the padded image.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with the same keys as :func:`load_xlsa17`
        (no image files).

        X_trainval, y_trainval : ndarray
            80% of the samples of the seen digits, pixels scaled to [0, 1],
            shape (n, 64), or with ``return_regions`` (n, 9, 9) for patches and
            (n, 9, 81) for windows; labels are the digits (int).
        X_test_seen, y_test_seen : ndarray
            The other 20% of the seen digits (a fixed stratified split).
        X_test_unseen, y_test_unseen : ndarray
            Every sample of the unseen digits 3, 7 and 9.
        class_attributes : DataFrame of shape (10, 10)
            The table above, indexed by digit (index name ``"class"``).
        seen_classes, unseen_classes : ndarray of int
            ``[0, 1, 2, 4, 5, 6, 8]`` and ``[3, 7, 9]``.
        train_index, val_index : ndarray of int
            Positions in ``X_trainval`` of the training digits and of the
            validation digits 4 and 6: a class split for choosing
            hyperparameters without the test data.
        train_classes, val_classes : ndarray of int
            ``[0, 1, 2, 5, 8]`` and ``[4, 6]``.
        class_names : ndarray of str
            ``"zero"`` to ``"nine"``.
        attribute_names : ndarray of str
            The columns of ``class_attributes``.
        attribute_embeddings : None
            No per-attribute vectors.
        DESCR : str
            This description.

    See Also
    --------
    make_zsl_classification : Synthetic data of any size.
    load_xlsa17 : The standard image benchmarks.

    Notes
    -----
    The unseen digits were chosen so that every unseen digit's attributes
    are each seen on and off among the seen digits (no unseen digit needs an
    attribute value never seen in training; 8, the only digit with two
    loops, stays seen) and so that a linear attribute embedding gets well
    above chance. ESZSL (closed form, both regularisers 1) fitted on
    ``X_trainval`` gets a mean per-class accuracy of 0.77 on the unseen
    digits (0.81, 0.70, 0.79 on 3, 7, 9; chance 0.33), and 0.71 on the
    validation digits 4 and 6 when fitted on the training digits.

    Examples
    --------
    >>> from skzsl.datasets import load_digits_zsl
    >>> data = load_digits_zsl()
    >>> data.X_trainval.shape, data.X_test_seen.shape, data.X_test_unseen.shape
    ((1005, 64), (250, 64), (542, 64))
    >>> data.unseen_classes
    array([3, 7, 9])
    >>> data.class_attributes.loc[7, ["a_top", "diagonal_stroke", "curved_stroke"]].tolist()
    [1.0, 1.0, 0.0]
    >>> load_digits_zsl(return_regions=True).X_test_unseen.shape
    (542, 9, 9)
    >>> load_digits_zsl(return_regions=True, region_layout="window").X_test_unseen.shape
    (542, 9, 81)
    """
    digits = load_digits()
    y = digits.target.astype(np.int64)
    X = digits.images / 16.0
    if return_regions:
        padded = np.pad(X, ((0, 0), (0, 1), (0, 1)))
        if region_layout == "window":
            # masks[r] is 1 on the 3x3 block of region r (row-major) of the 9x9 canvas
            masks = np.kron(np.eye(9).reshape(9, 3, 3), np.ones((3, 3)))
            X = (padded[:, None] * masks[None]).reshape(-1, 9, 81)
        else:
            X = padded.reshape(-1, 3, 3, 3, 3).transpose(0, 1, 3, 2, 4).reshape(-1, 9, 9)
    else:
        X = X.reshape(-1, 64)

    return _digits_bunch(X, y, load_digits_zsl.__doc__)


CELL = 3  # pixels per region cell; the padded 9x9 digit is 3 x 3 cells


@validate_params({"grid_size": [Interval(Integral, 3, None, closed="left")],
                  "return_regions": ["boolean"],
                  "random_state": ["random_state"]},
                 prefer_skip_nested_validation=True)
def load_moving_digits_zsl(*, grid_size=7, return_regions=True, random_state=0):
    """Load handwritten digits at random places on a canvas, as region features.

    The digits, attribute table, unseen digits (3, 7, 9), validation digits
    (4, 6) and train / test split of :func:`load_digits_zsl`, but each image
    sits at a random place on a larger blank canvas, so a digit's parts (its
    top bar, its loops) are in different regions from image to image, as a
    bird's head is in photographs. This is the setting attention models such
    as :class:`~skzsl.attention.MSDNClassifier` are made for; on the centred
    digits of :func:`load_digits_zsl` every stroke stays in place and a linear
    model of the pixels has nothing to gain from attention.

    How it is built, for each of the 1797 images of
    :func:`sklearn.datasets.load_digits` (pixels scaled to [0, 1]):

    1. the 8x8 digit is padded to 9x9 (one blank row and column, as in
       :func:`load_digits_zsl`);
    2. it is placed at a random pixel offset, drawn uniformly for each image
       from ``random_state`` (independent of the split), on a blank canvas of
       ``grid_size`` x ``grid_size`` cells of 3x3 pixels (21x21 pixels for the
       default 7 x 7 grid, the grid of ResNet-101 region features);
    3. each cell becomes one region, described as a CNN feature map cell is,
       by what its receptive field sees: the 9x9 pixels of the canvas centred
       on the cell (the cell and one cell around it, blank beyond the canvas
       edge), flattened. A region's receptive field is as large as the digit,
       so the region under the centre of a digit sees all of it and regions
       nearby see parts of it, shifted.

    Offsets are whole pixels, not whole cells: a digit is rarely centred on a
    cell, so no region sees it exactly as another image's region does.

    Parameters
    ----------
    grid_size : int, default=7
        Cells per side of the canvas (at least 3, the size of a digit);
        ``grid_size=3`` leaves no room to move.
    return_regions : bool, default=True
        If True, return region features of shape
        (n_samples, grid_size ** 2, 81), regions in row-major order. If False,
        return the canvas pixels, shape (n_samples, (3 * grid_size) ** 2).
    random_state : int, RandomState instance or None, default=0
        Draws the offsets. The default gives the same data on every call;
        the split itself is fixed, as in :func:`load_digits_zsl`.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        The keys of :func:`load_digits_zsl`, with these arrays:

        X_trainval, X_test_seen, X_test_unseen : ndarray
            Region features (n, grid_size ** 2, 81), or canvases
            (n, (3 * grid_size) ** 2) with ``return_regions=False``.
        y_trainval, y_test_seen, y_test_unseen : ndarray of int
            The digits, the same samples as :func:`load_digits_zsl`.

        and ``class_attributes``, ``seen_classes``, ``unseen_classes``,
        ``train_index``, ``val_index``, ``train_classes``, ``val_classes``
        (for choosing hyperparameters on validation classes without the
        test data), ``class_names``, ``attribute_names``,
        ``attribute_embeddings`` (None) and ``DESCR`` as there.

    See Also
    --------
    load_digits_zsl : The same digits, centred.

    Notes
    -----
    Why: on centred digits, ESZSL on the pixels beats MSDN (``BENCHMARKS.md``),
    because each attribute's evidence is in the same pixels in every image.
    When the parts move, a linear model of the flattened regions must learn
    every attribute at every place from the few images that put the digit
    there, and pooling the regions throws away where the strokes are; an
    attention model can look for each part wherever it is. The measured
    comparison, with every choice made on the validation digits, is in
    ``BENCHMARKS.md`` ("Moving digits over five seeds").

    Examples
    --------
    >>> from skzsl.datasets import load_moving_digits_zsl
    >>> data = load_moving_digits_zsl()
    >>> data.X_trainval.shape, data.X_test_unseen.shape
    ((1005, 49, 81), (542, 49, 81))
    >>> load_moving_digits_zsl(grid_size=5, return_regions=False).X_test_seen.shape
    (250, 225)
    """
    digits = load_digits()
    y = digits.target.astype(np.int64)
    digit = np.pad(digits.images / 16.0, ((0, 0), (0, 1), (0, 1)))
    side = CELL * grid_size
    rng = check_random_state(random_state)
    offsets = rng.randint(0, side - digit.shape[1] + 1, size=(y.size, 2))
    canvas = np.zeros((y.size, side, side))
    rows = offsets[:, 0, None] + np.arange(digit.shape[1])
    cols = offsets[:, 1, None] + np.arange(digit.shape[2])
    canvas[np.arange(y.size)[:, None, None], rows[:, :, None], cols[:, None, :]] = digit
    if return_regions:
        # receptive field of cell (i, j): canvas pixels 3i-3 .. 3i+5 (one cell around it)
        padded = np.pad(canvas, ((0, 0), (CELL, CELL), (CELL, CELL)))
        windows = np.lib.stride_tricks.sliding_window_view(padded, (3 * CELL, 3 * CELL),
                                                           axis=(1, 2))
        X = windows[:, ::CELL, ::CELL].reshape(y.size, grid_size ** 2, (3 * CELL) ** 2)
    else:
        X = canvas.reshape(y.size, -1)
    return _digits_bunch(X, y, load_moving_digits_zsl.__doc__)


def _digits_bunch(X, y, descr):
    """The fixed seen/unseen/test split of the digits and the class table, as a Bunch."""
    unseen = np.asarray(UNSEEN_DIGITS)
    seen = np.setdiff1d(np.arange(10), unseen)
    # a legacy RandomState: its stream is frozen, so the split never changes
    rng = np.random.RandomState(SPLIT_SEED)
    test_mask = np.zeros(y.size, dtype=bool)
    for digit in seen:
        members = np.flatnonzero(y == digit)
        test_mask[rng.permutation(members)[: round(TEST_FRACTION * members.size)]] = True
    trainval = np.flatnonzero(np.isin(y, seen) & ~test_mask)
    test_seen = np.flatnonzero(test_mask)
    test_unseen = np.flatnonzero(np.isin(y, unseen))

    attribute_names = np.asarray(DIGIT_ATTRIBUTE_NAMES)
    val_classes = np.asarray(VAL_DIGITS)
    data = Bunch(
        X_trainval=X[trainval], y_trainval=y[trainval],
        X_test_seen=X[test_seen], y_test_seen=y[test_seen],
        X_test_unseen=X[test_unseen], y_test_unseen=y[test_unseen],
        class_attributes=pd.DataFrame(DIGIT_ATTRIBUTES.copy(),
                                      index=pd.Index(np.arange(10), name="class"),
                                      columns=attribute_names),
        seen_classes=seen,
        unseen_classes=unseen,
        train_index=np.flatnonzero(~np.isin(y[trainval], val_classes)),
        val_index=np.flatnonzero(np.isin(y[trainval], val_classes)),
        train_classes=np.setdiff1d(seen, val_classes),
        val_classes=val_classes,
        class_names=np.asarray(DIGIT_NAMES),
        attribute_names=attribute_names,
        attribute_embeddings=None,
        DESCR=descr,
    )
    return data
