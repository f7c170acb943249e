#!/usr/bin/env python3
"""Time the same psychometric analyses in Python peer packages (mirt, girth).

A benchmark driver runs this script once per (peer, workload) and puts the
medians it prints beside pacer's.  It prints exactly one JSON object on
stdout; every diagnostic goes to stderr.

Usage::

    target/bench-venv/bin/python bench/peers.py --peer mirt|girth \\
        --workload 2pl|grm|dina|gdina|eap|items --data FILE \\
        [--q QFILE] [--params PFILE] [--runs N] [--warmup 0|1] \\
        [--max-seconds S]

The venv is made with::

    python3 -m venv target/bench-venv
    target/bench-venv/bin/pip install -r bench/peers-requirements.txt

Rules of the measurement:

* The CSV files are read into NumPy (and transposed, for girth, which wants
  items x persons) before any timing.  Model objects holding fixed item
  parameters (``eap``) are also built untimed.
* Only the peer's fit / scoring / item-analysis call is timed, wall clock by
  ``time.perf_counter``; process CPU time is recorded beside it.  Each run is
  a fresh call.
* One untimed warm-up run precedes the timed runs unless ``--warmup 0``.
  Where a package reports its iteration count only through verbose output
  (mirt's CDM fits) or not at all (girth), the warm-up run is the one that is
  observed to count iterations; with ``--warmup 0`` the count is null.
* Summary numbers (``result``) are computed after the timed runs, untimed.

Output fields: ``peer``, ``version``, ``workload``, ``supported`` (and
``reason`` when false); otherwise ``call`` (the exact Python call timed),
``timesMs``, ``medianMs``, ``minMs``, ``runs``, ``cpuTimesMs`` (process CPU
time of each timed run: CPU/wall near the core count means the peer ran in
parallel), ``result`` (numbers identifying the fit; for 2pl/grm
``loglikRect61`` is the returned estimates' log-likelihood on pacer's grid,
computed by this script untimed), ``peakRssMb``, ``inputMatrixMb``,
``threads`` and ``notes``.

Exit status: 0 on success and for unsupported workloads (``supported``
false); 1 if the peer's call fails; 2 for bad arguments or input files;
3 if no timed run finished within ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import gc
import importlib.metadata
import io
import json
import math
import os
import re
import resource
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

PEERS = ("mirt", "girth")
WORKLOADS = ("2pl", "grm", "dina", "gdina", "eap", "items")

# Settings shared by the calibrations, matching pacer's reference options as
# far as each peer allows (see the notes each workload adds).
N_QUAD = 61
TOL = 1e-4
MAX_ITER = 500  # mirt's default EM cap; also used for girth's outer loop
CDM_MAX_ITER = 2000  # R GDINA's default maxitr; mirt's own default is 100


def log(message: str) -> None:
    """Write a diagnostic line to stderr."""
    print(f"peers.py: {message}", file=sys.stderr, flush=True)


class InputError(Exception):
    """A command-line argument or input file is unusable."""


class RunTimeout(Exception):
    """A run exceeded the --max-seconds budget."""


# --------------------------------------------------------------------------
# Input files
# --------------------------------------------------------------------------


def read_responses(path: str) -> tuple[list[str], np.ndarray]:
    """Read a persons x items CSV of integer responses with a header row.

    Returns the item names and an int64 (``np.int_``) matrix, the dtype both
    peers work in, so neither pays for a conversion inside the timed call.
    Single-digit files (every workload here) are parsed from the raw bytes;
    anything else falls back to ``np.loadtxt``.
    """
    try:
        with open(path, "rb") as handle:
            header = handle.readline()
            body = handle.read()
    except OSError as error:
        raise InputError(f"cannot read {path}: {error}") from error
    names = [name.strip().strip('"') for name in header.decode("utf-8-sig").strip().split(",")]
    n_items = len(names)
    if n_items == 0 or not names[0]:
        raise InputError(f"{path}: empty header")

    matrix = _parse_single_digit_body(body, n_items)
    if matrix is None:
        try:
            matrix = np.loadtxt(io.BytesIO(body), delimiter=",", dtype=np.int_, ndmin=2)
        except ValueError as error:
            raise InputError(f"{path}: not an integer CSV: {error}") from error
    if matrix.shape[1] != n_items:
        raise InputError(f"{path}: {matrix.shape[1]} columns, header names {n_items}")
    if matrix.shape[0] == 0:
        raise InputError(f"{path}: no data rows")
    return names, np.ascontiguousarray(matrix, dtype=np.int_)


def _parse_single_digit_body(body: bytes, n_items: int) -> np.ndarray | None:
    """Parse rows like ``0,1,1\\n`` (one digit per cell) without a text parser.

    Returns None when the body does not have that exact layout.
    """
    raw = np.frombuffer(body, dtype=np.uint8)
    if raw.size and raw[-1] != ord("\n"):
        raw = np.append(raw, np.uint8(ord("\n")))
    for line_end in (b"\n", b"\r\n"):
        width = 2 * n_items - 1 + len(line_end)
        if raw.size == 0 or raw.size % width:
            continue
        rows = raw.reshape(-1, width)
        cells = rows[:, 0 : 2 * n_items - 1 : 2]
        separators = rows[:, 1 : 2 * n_items - 1 : 2]
        ending = rows[:, 2 * n_items - 1 :]
        if (
            np.all(separators == ord(","))
            and np.all(ending == np.frombuffer(line_end, dtype=np.uint8))
            and np.all((cells >= ord("0")) & (cells <= ord("9")))
        ):
            return (cells - ord("0")).astype(np.int_)
    return None


def read_table(path: str) -> tuple[list[str], list[list[str]]]:
    """Read a small CSV file into its header and rows of strings."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if row]
    except OSError as error:
        raise InputError(f"cannot read {path}: {error}") from error
    if len(rows) < 2:
        raise InputError(f"{path}: needs a header and at least one row")
    return [cell.strip() for cell in rows[0]], [[cell.strip() for cell in row] for row in rows[1:]]


def read_q_matrix(path: str, item_names: list[str]) -> tuple[list[str], np.ndarray]:
    """Read a Q-matrix CSV (``item,A1,...,AK``) in the data's item order."""
    header, rows = read_table(path)
    attributes = header[1:]
    by_item = {}
    for row in rows:
        if len(row) != len(header):
            raise InputError(f"{path}: row {row[0]!r} has {len(row)} cells, expected {len(header)}")
        by_item[row[0]] = [int(value) for value in row[1:]]
    missing = [name for name in item_names if name not in by_item]
    if missing:
        raise InputError(f"{path}: no Q-matrix row for items {missing[:5]}")
    q_matrix = np.array([by_item[name] for name in item_names], dtype=np.int_)
    if not np.all((q_matrix == 0) | (q_matrix == 1)):
        raise InputError(f"{path}: Q-matrix entries must be 0/1")
    return attributes, q_matrix


def read_2pl_params(path: str, item_names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Read fixed 2PL item parameters (``item,model,a,b``) in data order.

    P(correct) = 1 / (1 + exp(-a (theta - b))).
    """
    header, rows = read_table(path)
    columns = {name: index for index, name in enumerate(header)}
    for needed in ("item", "model", "a", "b"):
        if needed not in columns:
            raise InputError(f"{path}: missing column {needed!r}")
    by_item = {}
    for row in rows:
        model = row[columns["model"]].lower()
        if model != "2pl":
            raise InputError(f"{path}: item {row[columns['item']]!r} has model {model!r}, only 2pl is supported")
        by_item[row[columns["item"]]] = (float(row[columns["a"]]), float(row[columns["b"]]))
    missing = [name for name in item_names if name not in by_item]
    if missing:
        raise InputError(f"{path}: no parameters for items {missing[:5]}")
    a = np.array([by_item[name][0] for name in item_names])
    b = np.array([by_item[name][1] for name in item_names])
    return a, b


# --------------------------------------------------------------------------
# What a peer x workload contributes
# --------------------------------------------------------------------------


@dataclass
class Inputs:
    """Everything read from the command line's files, untimed."""

    item_names: list[str]
    data: np.ndarray | None  # persons x items, np.int_ (girth jobs drop it after transposing)
    q_matrix: np.ndarray | None = None
    attributes: list[str] | None = None
    a: np.ndarray | None = None
    b: np.ndarray | None = None


@dataclass
class Job:
    """One timed peer call and how to describe its result.

    ``run`` is the exact call that is timed.  ``observe`` (optional) runs the
    same call untimed, as the warm-up, and returns ``(result, extras)`` where
    extras are numbers the package does not return (an iteration count).
    ``summarize(result, extras)`` turns the last timed result into the
    ``result`` JSON object.
    """

    call: str
    run: Callable[[], Any]
    summarize: Callable[[Any, dict], dict]
    threads: str
    notes: list[str] = field(default_factory=list)
    observe: Callable[[], tuple[Any, dict]] | None = None


@dataclass
class Unsupported:
    """The peer has no such analysis."""

    reason: str


def _finite(value: Any) -> float | None:
    """A float for JSON, or None when missing or not finite."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _thread_env() -> str:
    """The thread-related environment variables that are set, if any."""
    names = ("RAYON_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    found = [f"{name}={os.environ[name]}" for name in names if name in os.environ]
    cores = f"{os.cpu_count()} logical cores"
    return f"{cores}; " + (", ".join(found) if found else "no thread variables set")


LOGLIK_GRID_NOTE = (
    "result.loglikRect61 is this script's untimed evaluation of the returned estimates on "
    "pacer's and R mirt's grid (61 equally spaced nodes on [-6, 6], N(0,1) density "
    "weights normalised to 1), so both peers and the R references share one yardstick"
)


def graded_loglik_rect61(data: np.ndarray, a: np.ndarray, thresholds: np.ndarray) -> float:
    """Marginal log-likelihood of a graded (or 2PL) model on pacer's grid.

    P(X >= k | theta) = 1 / (1 + exp(-a (theta - b_k))) for k = 1..K-1, with
    ``thresholds[j, k-1] = b_k`` (NaN-padded rows allowed); a 2PL is the
    one-threshold case.  Nodes: 61 equally spaced points on [-6, 6] with
    normalised N(0,1) density weights (R mirt's and pacer's default grid).
    Computed untimed, after the measurement.
    """
    from scipy.special import expit, logsumexp

    nodes = np.linspace(-6.0, 6.0, 61)
    log_weights = -0.5 * nodes**2
    log_weights -= logsumexp(log_weights)
    n_persons, n_items = data.shape
    log_lik = np.zeros((n_persons, nodes.size))
    for j in range(n_items):
        b = thresholds[j][np.isfinite(thresholds[j])]
        # Cumulative probabilities with P(X >= 0) = 1 and P(X >= K) = 0.
        cumulative = np.ones((b.size + 2, nodes.size))
        cumulative[1:-1] = expit(a[j] * (nodes[None, :] - b[:, None]))
        cumulative[-1] = 0.0
        category = np.clip(cumulative[:-1] - cumulative[1:], 1e-300, None)
        codes = np.clip(data[:, j], 0, b.size)
        log_lik += np.log(category)[codes]
    return float(np.sum(logsumexp(log_lik + log_weights, axis=1)))


# --------------------------------------------------------------------------
# mirt (PyPI ``mirt``, Rust core)
# --------------------------------------------------------------------------

MIRT_QUADRATURE_NOTE = (
    "mirt integrates on Gauss-Hermite nodes of N(0,1) (61 here), not pacer's 61 "
    "rectangular nodes on [-6, 6]"
)
MIRT_LL_TOL_NOTE = (
    "mirt's EM stops when |change in marginal log-likelihood| < tol (1e-4), not on the "
    "maximum absolute parameter change; with thousands of persons that is a stricter "
    "rule and takes more EM cycles (plain EM, no acceleration)"
)


def mirt_threads(kind: str) -> str:
    """Describe mirt's threading for one kind of call (read from its source)."""
    descriptions = {
        "2pl": "mirt's native 2PL EM (mirt_rs.em_fit_2pl, Rust) runs E- and M-steps on "
        "rayon's global pool (all logical cores unless RAYON_NUM_THREADS); response "
        "patterns are compressed first in NumPy",
        "grm": "in effect single-threaded: EMEstimator's E-step is a SciPy sparse "
        "one-hot x log-probability product (single-threaded) and its M-step is Rust "
        "(mirt_rs.m_step_polytomous) given workers = n_jobs = 1, EMEstimator's default, "
        "which fit_mirt does not expose",
        "cdm": "pure NumPy (vectorised EM; the matrix products use OpenBLAS, all cores by "
        "default); no Rust",
        "eap": "NumPy/OpenBLAS (EAPScorer: batched log-likelihood matrix products, "
        "OpenBLAS all cores by default); no Rust on this path",
        "items": "NumPy for moments and item-rest correlations (single-threaded "
        "elementwise work), Rust (rayon pool) for alpha-if-deleted",
    }
    return f"{descriptions[kind]}. {_thread_env()}"


def mirt_version() -> str:
    return importlib.metadata.version("mirt")


def _mirt_calibration_summary(data: np.ndarray) -> Callable[[Any, dict], dict]:
    """Loglik and iterations straight from mirt's FitResult, plus loglikRect61."""

    def summarize(result: Any, extras: dict) -> dict:
        params = result.model.parameters
        a = np.asarray(params["discrimination"], dtype=np.float64).reshape(-1)
        if "thresholds" in params:
            thresholds = np.asarray(params["thresholds"], dtype=np.float64)
        else:
            thresholds = np.asarray(params["difficulty"], dtype=np.float64).reshape(-1, 1)
        return {
            "loglik": _finite(result.log_likelihood),
            "loglikRect61": _finite(graded_loglik_rect61(data, a, thresholds)),
            "iterations": int(result.n_iterations),
            "converged": bool(result.converged),
            "meanDiscrimination": _finite(np.mean(a)),
        }

    return summarize


def _mirt_fit_job(inputs: Inputs, model: str, doc_note: str) -> Job:
    """A unidimensional calibration by MML-EM through mirt.fit_mirt (`model`: '2PL' or 'GRM')."""
    import mirt

    data = inputs.data
    return Job(
        call=f"mirt.fit_mirt(data, model='{model}', n_quadpts=61, tol=1e-4, max_iter=500, "
        "compute_standard_errors=False)",
        run=lambda: mirt.fit_mirt(
            data, model=model, n_quadpts=N_QUAD, tol=TOL, max_iter=MAX_ITER, compute_standard_errors=False
        ),
        summarize=_mirt_calibration_summary(data),
        threads=mirt_threads(model.lower()),
        notes=[MIRT_QUADRATURE_NOTE, MIRT_LL_TOL_NOTE, doc_note, LOGLIK_GRID_NOTE],
    )


def mirt_2pl(inputs: Inputs) -> Job:
    """Unidimensional 2PL by MML-EM: mirt.fit_mirt's native Rust 2PL path."""
    return _mirt_fit_job(
        inputs,
        "2PL",
        "the timed call includes mirt's own input validation and response-pattern "
        "compression; no SEs, no fit statistics",
    )


def mirt_grm(inputs: Inputs) -> Job:
    """Graded response model by MML-EM through mirt.fit_mirt (EMEstimator)."""
    return _mirt_fit_job(inputs, "GRM", "number of categories inferred from the data (max code + 1); no SEs")


def _cdm_loglik(model: Any, class_probs: np.ndarray, data: np.ndarray) -> float:
    """Marginal log-likelihood at the returned CDM estimates (untimed).

    Uses the peer's own ``model.probability(model.attribute_patterns)`` for the
    item success probabilities and the returned latent-class proportions.
    """
    from scipy.special import logsumexp

    probabilities = np.asarray(model.probability(model.attribute_patterns), dtype=np.float64)
    probabilities = np.clip(probabilities, 1e-10, 1 - 1e-10)
    x = data.astype(np.float64)
    log_lik = x @ np.log(probabilities).T + (1.0 - x) @ np.log1p(-probabilities).T
    log_lik += np.log(np.maximum(np.asarray(class_probs, dtype=np.float64), 1e-300))
    return float(np.sum(logsumexp(log_lik, axis=1)))


_VERBOSE_LL = re.compile(r"Iteration\s+(\d+):\s+LL\s*=\s*(-?[0-9.eE+-]+)")


def _observe_verbose(fit: Callable[[bool], Any]) -> Callable[[], tuple[Any, dict]]:
    """Warm-up runner: the same fit with verbose=True, stdout captured.

    mirt's CDM fits report their iteration count only as verbose lines.
    """

    def observe() -> tuple[Any, dict]:
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            result = fit(True)
        trace = _VERBOSE_LL.findall(captured.getvalue())
        extras = {}
        if trace:
            extras = {"iterations": int(trace[-1][0]), "traceLoglik": float(trace[-1][1])}
        return result, extras

    return observe


def _mirt_cdm_job(inputs: Inputs, which: str) -> Job:
    """DINA (mirt.models.fit_cdm) or saturated G-DINA (mirt.models.fit_gdina)."""
    import mirt.models

    data, q_matrix = inputs.data, inputs.q_matrix
    if which == "dina":
        call = "mirt.models.fit_cdm(data, q_matrix, model='DINA', max_iter=2000, tol=1e-4)"

        def fit(verbose: bool = False) -> Any:
            return mirt.models.fit_cdm(data, q_matrix, model="DINA", max_iter=CDM_MAX_ITER, tol=TOL, verbose=verbose)

    else:
        call = "mirt.models.fit_gdina(data, q_matrix, max_iter=2000, tol=1e-4)"

        def fit(verbose: bool = False) -> Any:
            return mirt.models.fit_gdina(data, q_matrix, max_iter=CDM_MAX_ITER, tol=TOL, verbose=verbose)

    def summarize(result: Any, extras: dict) -> dict:
        model, class_probs = result
        summary = {
            "loglik": _finite(_cdm_loglik(model, class_probs, data)),
            "iterations": extras.get("iterations"),
            "traceLoglik": _finite(extras.get("traceLoglik")),
            "nClasses": int(np.size(class_probs)),
        }
        if which == "dina":
            summary["meanGuess"] = _finite(np.mean(model.parameters["guess"]))
            summary["meanSlip"] = _finite(np.mean(model.parameters["slip"]))
        return summary

    notes = [
        "mirt's CDM EM stops when |change in log-likelihood| < tol (1e-4); R GDINA "
        "uses max change in item parameters and in class proportions < 1e-4",
        "saturated attribute distribution of 2^K classes, uniform start, one start "
        "(R GDINA: 3 starts by default); no SEs are computed by these functions",
        "fit functions return no log-likelihood: result.loglik is evaluated untimed at "
        "the returned estimates; iterations and traceLoglik (the last LL printed) come "
        "from the verbose warm-up run",
    ]
    if which == "dina":
        notes.append(
            "fit_cdm's DINA M-step clips guess/slip to [0.001, 0.999] and enforces "
            "1 - slip > guess"
        )
    else:
        notes.append("fit_gdina: identity-link saturated G-DINA for every item (reduced_models=None)")
    return Job(
        call=call,
        run=fit,
        summarize=summarize,
        threads=mirt_threads("cdm"),
        notes=notes,
        observe=_observe_verbose(fit),
    )


def mirt_dina(inputs: Inputs) -> Job:
    """DINA by EM with mirt.models.fit_cdm."""
    return _mirt_cdm_job(inputs, "dina")


def mirt_gdina(inputs: Inputs) -> Job:
    """Saturated G-DINA by EM with mirt.models.fit_gdina."""
    return _mirt_cdm_job(inputs, "gdina")


def mirt_eap(inputs: Inputs) -> Job:
    """EAP scores and posterior SDs with mirt.fscores on fixed 2PL parameters."""
    import mirt
    from mirt.models import TwoParameterLogistic

    data = inputs.data
    model = TwoParameterLogistic(n_items=data.shape[1], item_names=list(inputs.item_names))
    # mirt's 2PL is a (theta - b): the file's a and b are used as they are.
    model.set_parameters(discrimination=inputs.a, difficulty=inputs.b)
    # mirt has no public "model from fixed parameters" constructor; fscores
    # only checks this flag.
    model._is_fitted = True

    def summarize(result: Any, extras: dict) -> dict:
        theta = np.asarray(result.theta, dtype=np.float64).reshape(-1)
        se = np.asarray(result.standard_error, dtype=np.float64).reshape(-1)
        return {
            "n": int(theta.size),
            "mean": _finite(np.mean(theta)),
            "sd": _finite(np.std(theta, ddof=1)),
            "meanPosteriorSd": _finite(np.mean(se)),
        }

    return Job(
        call="mirt.fscores(model, data, method='EAP', n_quadpts=61)",
        run=lambda: mirt.fscores(model, data, method="EAP", n_quadpts=N_QUAD),
        summarize=summarize,
        threads=mirt_threads("eap"),
        notes=[
            MIRT_QUADRATURE_NOTE,
            "model = mirt.models.TwoParameterLogistic with set_parameters(discrimination=a, "
            "difficulty=b) and _is_fitted=True, built untimed",
            "returns posterior SDs (standard_error) as well as EAPs; identical response "
            "patterns are scored once and expanded (included in the time)",
        ],
    )


def mirt_items(inputs: Inputs) -> Job:
    """Classical item analysis with mirt.traditional."""
    import mirt

    data = inputs.data

    def summarize(result: Any, extras: dict) -> dict:
        return {
            "n": int(result.n_persons),
            "meanP": _finite(np.mean(result.difficulty)),
            "meanItemRest": _finite(np.mean(result.discrimination)),
            "alpha": _finite(result.alpha),
        }

    return Job(
        call="mirt.traditional(data, use_corrected_correlation=True)",
        run=lambda: mirt.traditional(data, use_corrected_correlation=True),
        summarize=summarize,
        threads=mirt_threads("items"),
        notes=[
            "mirt.traditional returns p-values, corrected item-rest correlations, "
            "Cronbach's alpha, alpha-if-item-deleted (always computed, cannot be switched "
            "off) and total-score mean/SD; it first copies the data to float64 and "
            "validates every cell",
        ],
    )


# --------------------------------------------------------------------------
# girth (PyPI ``girth``, pure NumPy/SciPy)
# --------------------------------------------------------------------------

GIRTH_OPTIONS = {"quadrature_n": N_QUAD, "quadrature_bounds": (-6.0, 6.0), "max_iteration": MAX_ITER}
GIRTH_THREADS = (
    "girth is pure NumPy/SciPy and single-threaded here: its options' num_processors "
    "is not used by these functions, and the hot loops are elementwise NumPy (the "
    "few BLAS calls use OpenBLAS, all cores by default)"
)
GIRTH_QUADRATURE_NOTE = (
    "girth integrates with 61 Gauss-Legendre nodes on [-6, 6] times the N(0,1) density "
    "(options quadrature_n=61, quadrature_bounds=(-6, 6); girth's defaults are 41 nodes on "
    "[-4.5, 4.5])"
)
GIRTH_MML_NOTE = (
    "girth's MML is not EM: for each item it minimises the marginal likelihood over the "
    "discrimination by scipy fminbound with the thresholds solved from its integral "
    "equations (default use_LUT=True: a look-up table interpolates them), cycling items "
    "until max |change in discrimination| < 1e-3 (hard-coded, tolerance not settable)"
)
GIRTH_EXTRAS_NOTE = (
    "the fit also computes EAP abilities for every person and null/final AIC, BIC "
    "(cannot be switched off); no SEs"
)


def girth_version() -> str:
    return importlib.metadata.version("girth")


def _observe_girth_mml(fit: Callable[[], Any], n_items: int) -> Callable[[], tuple[Any, dict]]:
    """Warm-up runner that counts girth's outer MML iterations.

    girth returns no iteration count.  Its grm_mml calls scipy's fminbound
    exactly once per item per outer iteration, so the warm-up wraps that name
    in girth's module and divides the call count by the number of items.
    """

    def observe() -> tuple[Any, dict]:
        module = sys.modules["girth.unidimensional.polytomous.grm_mml"]
        original = module.fminbound
        calls = 0

        def counting_fminbound(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return original(*args, **kwargs)

        module.fminbound = counting_fminbound
        try:
            result = fit()
        finally:
            module.fminbound = original
        return result, {"iterations": calls // n_items if calls % n_items == 0 else calls / n_items}

    return observe


def _girth_calibration_summary(data: np.ndarray) -> Callable[[dict, dict], dict]:
    """girth reports -2 loglik as AIC['final'] (k = 0 without distribution estimation)."""

    def summarize(result: dict, extras: dict) -> dict:
        a = np.asarray(result["Discrimination"], dtype=np.float64).reshape(-1)
        thresholds = np.asarray(result["Difficulty"], dtype=np.float64).reshape(a.size, -1)
        return {
            "loglik": _finite(-0.5 * result["AIC"]["final"]),
            "loglikRect61": _finite(graded_loglik_rect61(data, a, thresholds)),
            "iterations": extras.get("iterations"),
            "converged": None,
            "meanDiscrimination": _finite(np.mean(a)),
        }

    return summarize


def _girth_mml_job(inputs: Inputs, which: str) -> Job:
    """2PL (girth.twopl_mml) or GRM (girth.grm_mml) with 61 nodes on [-6, 6]."""
    import girth

    data_t = np.ascontiguousarray(inputs.data.T)  # girth wants items x persons
    n_items = data_t.shape[0]
    inputs.data = None  # keep one copy of the responses in memory
    options = dict(GIRTH_OPTIONS)
    function = girth.twopl_mml if which == "2pl" else girth.grm_mml
    name = "twopl_mml" if which == "2pl" else "grm_mml"

    def fit() -> Any:
        return function(data_t, options=dict(options))

    return Job(
        call=f"girth.{name}(data_t, options={{'quadrature_n': 61, 'quadrature_bounds': (-6.0, 6.0), "
        f"'max_iteration': 500}})",
        run=fit,
        summarize=_girth_calibration_summary(data_t.T),
        threads=f"{GIRTH_THREADS}. {_thread_env()}",
        notes=[
            GIRTH_QUADRATURE_NOTE,
            GIRTH_MML_NOTE,
            "max_iteration raised from girth's default 25 to 500 so its own convergence "
            "rule decides",
            GIRTH_EXTRAS_NOTE,
            "loglik = -AIC['final']/2 as girth reports it (on its own quadrature); "
            "iterations are counted in the warm-up run; data_t (items x persons) is "
            "transposed untimed",
            LOGLIK_GRID_NOTE,
        ],
        observe=_observe_girth_mml(fit, n_items),
    )


def girth_2pl(inputs: Inputs) -> Job:
    """2PL by girth's marginal maximum likelihood (girth.twopl_mml)."""
    return _girth_mml_job(inputs, "2pl")


def girth_grm(inputs: Inputs) -> Job:
    """Graded response model by girth's marginal maximum likelihood (girth.grm_mml)."""
    return _girth_mml_job(inputs, "grm")


GIRTH_NO_CDM = (
    "girth 0.8.0 has no cognitive diagnosis models (no DINA or G-DINA): its modules are "
    "unidimensional/multidimensional IRT, factor analysis and classical statistics"
)


def girth_eap(inputs: Inputs) -> Job:
    """EAP abilities with girth.ability_eap on fixed 2PL parameters."""
    import girth

    data_t = np.ascontiguousarray(inputs.data.T)
    inputs.data = None  # keep one copy of the responses in memory
    a, b = inputs.a, inputs.b
    options = {"quadrature_n": N_QUAD, "quadrature_bounds": (-6.0, 6.0)}

    def summarize(result: Any, extras: dict) -> dict:
        theta = np.asarray(result, dtype=np.float64).reshape(-1)
        return {
            "n": int(theta.size),
            "mean": _finite(np.mean(theta)),
            "sd": _finite(np.std(theta, ddof=1)),
            "meanPosteriorSd": None,
        }

    return Job(
        call="girth.ability_eap(data_t, difficulty=b, discrimination=a, "
        "options={'quadrature_n': 61, 'quadrature_bounds': (-6.0, 6.0)})",
        run=lambda: girth.ability_eap(data_t, difficulty=b, discrimination=a, options=dict(options)),
        summarize=summarize,
        threads=f"{GIRTH_THREADS}. {_thread_env()}",
        notes=[
            GIRTH_QUADRATURE_NOTE,
            "girth.ability_eap returns EAPs only, no posterior SDs",
            "girth's 2PL is a (theta - b): a and b from the file are used as they are; "
            "data_t (items x persons) is transposed untimed",
        ],
    )


def girth_items(inputs: Inputs) -> Job:
    """Classical item analysis: girth.classical_test_statistics plus girth's alpha."""
    import girth
    import girth.common

    data_t = np.ascontiguousarray(inputs.data.T)
    inputs.data = None  # keep one copy of the responses in memory

    def run() -> Any:
        return (
            girth.classical_test_statistics(data_t, start_value=0, stop_value=1),
            girth.common.cronbach_alpha(data_t),
        )

    def summarize(result: Any, extras: dict) -> dict:
        table, alpha = result
        return {
            "n": int(np.max(table["Item Counts"])),
            "meanP": _finite(np.mean(table["Mean"])),
            "meanItemRest": _finite(np.mean(table["Item-Score Correlation"])),
            "alpha": _finite(alpha),
        }

    return Job(
        call="(girth.classical_test_statistics(data_t, start_value=0, stop_value=1), "
        "girth.common.cronbach_alpha(data_t))",
        run=run,
        summarize=summarize,
        threads=f"{GIRTH_THREADS}. {_thread_env()}",
        notes=[
            "classical_test_statistics gives item means (p-values), item SDs, item-rest "
            "correlations (item vs mean of the other items), polyserial correlations and "
            "alpha-if-item-deleted; it loops over items, copying the other items each "
            "time; the polyserial correlations and alpha-if-deleted cannot be switched off",
            "it does not return the test's alpha, so girth.common.cronbach_alpha is called "
            "too, inside the timed call",
            "data_t (items x persons) is transposed untimed",
        ],
    )


JOBS: dict[tuple[str, str], Callable[[Inputs], Job] | Unsupported] = {
    ("mirt", "2pl"): mirt_2pl,
    ("mirt", "grm"): mirt_grm,
    ("mirt", "dina"): mirt_dina,
    ("mirt", "gdina"): mirt_gdina,
    ("mirt", "eap"): mirt_eap,
    ("mirt", "items"): mirt_items,
    ("girth", "2pl"): girth_2pl,
    ("girth", "grm"): girth_grm,
    ("girth", "dina"): Unsupported(GIRTH_NO_CDM),
    ("girth", "gdina"): Unsupported(GIRTH_NO_CDM),
    ("girth", "eap"): girth_eap,
    ("girth", "items"): girth_items,
}
VERSIONS = {"mirt": mirt_version, "girth": girth_version}


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise RunTimeout if the block runs longer than ``seconds`` (if given).

    SIGALRM is delivered between Python bytecodes, so a long native call
    (mirt's Rust EM) is only interrupted once it returns to Python.
    """
    if not seconds or seconds <= 0:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise RunTimeout(f"run exceeded the --max-seconds budget of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def measure(job: Job, runs: int, warmup: bool, max_seconds: float | None) -> dict:
    """Warm up (untimed), then time ``runs`` fresh calls of ``job.run``.

    With ``max_seconds`` the warm-up plus the timed runs get that wall-clock
    budget.  A timed run is not started when the previous run (warm-up or
    timed) took longer than what is left; a run still going when the budget
    is spent is interrupted.  Either way the runs already timed are reported,
    with a note; RunTimeout is raised only when no timed run completed.
    """
    started = time.perf_counter()
    extras: dict = {}
    notes: list[str] = []

    def remaining() -> float | None:
        if not max_seconds:
            return None
        return max_seconds - (time.perf_counter() - started)

    last_seconds: float | None = None
    if warmup:
        log("warm-up run")
        with time_limit(remaining()):
            if job.observe is not None:
                _, extras = job.observe()
            else:
                job.run()
        last_seconds = time.perf_counter() - started
        log(f"warm-up done in {last_seconds:.3f} s")

    times_ms: list[float] = []
    cpu_ms: list[float] = []
    last_result = None
    for index in range(runs):
        left = remaining()
        if left is not None and last_seconds is not None and left < last_seconds:
            notes.append(
                f"timed {len(times_ms)} of {runs} runs: run {index + 1} would not have "
                f"finished within --max-seconds {max_seconds:g} (the previous run took "
                f"{last_seconds:.1f} s)"
            )
            break
        gc.collect()
        try:
            with time_limit(left):
                cpu0 = time.process_time()
                wall0 = time.perf_counter()
                result = job.run()
                wall1 = time.perf_counter()
                cpu1 = time.process_time()
        except RunTimeout:
            if not times_ms:
                raise
            notes.append(
                f"timed {len(times_ms)} of {runs} runs: run {index + 1} was interrupted "
                f"at --max-seconds {max_seconds:g}"
            )
            break
        last_result = result
        del result
        last_seconds = wall1 - wall0
        times_ms.append(last_seconds * 1000.0)
        cpu_ms.append((cpu1 - cpu0) * 1000.0)
        log(f"run {index + 1}/{runs}: {times_ms[-1]:.1f} ms wall, {cpu_ms[-1]:.1f} ms CPU")

    if not times_ms:
        raise RunTimeout(f"no timed run fitted in --max-seconds {max_seconds:g}")
    return {
        "timesMs": [round(value, 3) for value in times_ms],
        "medianMs": round(statistics.median(times_ms), 3),
        "minMs": round(min(times_ms), 3),
        "runs": len(times_ms),
        "cpuTimesMs": [round(value, 3) for value in cpu_ms],
        "result": job.summarize(last_result, extras),
        "measureNotes": notes,
    }


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time a model fit in a Python peer package (mirt or girth) and print one JSON object.",
    )
    parser.add_argument("--peer", required=True, choices=PEERS)
    parser.add_argument("--workload", required=True, choices=WORKLOADS)
    parser.add_argument("--data", required=True, help="persons x items CSV with a header row")
    parser.add_argument("--q", help="Q-matrix CSV (item,A1,...,AK) for dina/gdina")
    parser.add_argument("--params", help="item parameter CSV (item,model,a,b) for eap")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default 3)")
    parser.add_argument("--warmup", type=int, choices=(0, 1), default=1, help="untimed warm-up run first (default 1)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=None,
        help="wall-clock budget for warm-up plus timed runs; later runs are skipped "
        "and a run still going when it is spent is interrupted (exit 3)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def load_inputs(args: argparse.Namespace) -> Inputs:
    """Read every file the workload needs (untimed)."""
    if args.workload in ("dina", "gdina") and not args.q:
        raise InputError(f"--workload {args.workload} needs --q")
    if args.workload == "eap" and not args.params:
        raise InputError("--workload eap needs --params")
    t0 = time.perf_counter()
    item_names, data = read_responses(args.data)
    log(f"read {args.data}: {data.shape[0]} x {data.shape[1]} in {time.perf_counter() - t0:.2f} s")
    inputs = Inputs(item_names=item_names, data=data)
    if args.workload in ("2pl", "dina", "gdina", "eap", "items") and not np.all((data == 0) | (data == 1)):
        raise InputError(f"--workload {args.workload} needs 0/1 responses")
    if args.workload == "grm" and data.min() < 0:
        raise InputError("--workload grm needs responses 0..K-1")
    if args.workload in ("dina", "gdina"):
        inputs.attributes, inputs.q_matrix = read_q_matrix(args.q, item_names)
    if args.workload == "eap":
        inputs.a, inputs.b = read_2pl_params(args.params, item_names)
    return inputs


def emit(payload: dict) -> None:
    """Print the one JSON object on stdout."""
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        version = VERSIONS[args.peer]()
    except importlib.metadata.PackageNotFoundError:
        log(f"package {args.peer} is not installed in this Python ({sys.executable})")
        return 2
    head = {"peer": args.peer, "version": version, "workload": args.workload}

    factory = JOBS[(args.peer, args.workload)]
    # Unsupported combinations are reported without reading the data.
    if isinstance(factory, Unsupported):
        emit({**head, "supported": False, "reason": factory.reason})
        return 0

    try:
        inputs = load_inputs(args)
    except InputError as error:
        log(str(error))
        return 2

    input_mb = inputs.data.nbytes / 2**20
    try:
        with contextlib.redirect_stdout(sys.stderr):
            job = factory(inputs)
    except Exception as error:  # noqa: BLE001 - report any setup failure
        log(f"setting up {args.peer} {args.workload} failed: {type(error).__name__}: {error}")
        return 1

    # Nothing the peer prints may reach stdout except through observe().
    try:
        with contextlib.redirect_stdout(sys.stderr):
            measured = measure(job, args.runs, bool(args.warmup), args.max_seconds)
    except RunTimeout as error:
        log(f"{args.peer} {args.workload}: {error}")
        return 3
    except Exception as error:  # noqa: BLE001 - any failure of the peer's call
        log(f"{args.peer} {args.workload} failed: {type(error).__name__}: {error}")
        return 1

    notes = job.notes + measured.pop("measureNotes")
    notes.append(
        "peakRssMb is the whole process's peak resident memory (Python, the packages, the "
        "int64 response matrix of inputMatrixMb, warm-up and timed runs)"
    )
    if not args.warmup:
        notes.append("no warm-up run (--warmup 0)")
    emit(
        {
            **head,
            "supported": True,
            "call": job.call,
            "timesMs": measured["timesMs"],
            "medianMs": measured["medianMs"],
            "minMs": measured["minMs"],
            "runs": measured["runs"],
            "cpuTimesMs": measured["cpuTimesMs"],
            "result": measured["result"],
            "peakRssMb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
            "inputMatrixMb": round(input_mb, 1),
            "threads": job.threads,
            "notes": notes,
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
