"""numpy/scipy reference for `npm run bench -- kernel`: the same task as `rethink kernel`, solved by
one dense float32 Cholesky factorisation (LAPACK spotrf through scipy, OpenBLAS threads).

Reads raw MNIST IDX files (path given), takes n training images (x/255) — the first n, or the rows
listed in an int32 file given as a fifth argument (the seeded subset `rethink kernel` uses) — builds
K = exp(-gamma*|x - x'|^2) in float32 block by block (no float64 n x n temporary), factors it in
place and solves K alpha = Y (one-hot), and reports the time of kernel + solve (JSON on stdout).
With a fourth argument `test`, the time also covers the test kernel and the prediction on MNIST's
10,000 test images (in blocks), and the test error is reported. A K that is not positive definite in
float32 is reported as {"failed": "..."} (exit 0).
"""
import json, resource, sys, time
import numpy as np
from scipy.linalg import cho_factor, cho_solve, LinAlgError

directory, n, gamma = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
with_test = len(sys.argv) > 4 and sys.argv[4] == "test"
rows = np.fromfile(sys.argv[5], dtype=np.int32) if len(sys.argv) > 5 else np.arange(n)
assert len(rows) == n, f"{len(rows)} row indices for n = {n}"
with open(f"{directory}/train-images-idx3-ubyte", "rb") as f:
    X = (np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784)[rows].astype(np.float64) / 255).astype(np.float32)
with open(f"{directory}/train-labels-idx1-ubyte", "rb") as f:
    y = np.frombuffer(f.read()[8:], dtype=np.uint8)[rows]
B = 2000


def kernel_rows(A, sqA, out):
    """out (rows, n) = exp(-gamma * max(|a|^2 + |x|^2 - 2 a.x, 0)) in float32."""
    np.matmul(A, X.T, out=out)
    out *= -2
    out += sqA[:, None]
    out += sq[None, :]
    np.maximum(out, 0, out=out)
    out *= -gamma
    np.exp(out, out=out)


t = time.perf_counter()
sq = (X * X).sum(1)
K = np.empty((n, n), dtype=np.float32, order="F")  # symmetric: its rows are its columns
for r in range(0, n, B):
    block = np.empty((min(B, n - r), n), dtype=np.float32)
    kernel_rows(X[r : r + B], sq[r : r + B], block)
    K[:, r : r + B] = block.T
    del block
Y = np.eye(10, dtype=np.float32)[y]
try:
    factor = cho_factor(K, lower=True, overwrite_a=True, check_finite=False)
except LinAlgError as e:
    print(json.dumps({"n": n, "failed": f"float32 Cholesky: {e}", "ms": (time.perf_counter() - t) * 1000}))
    sys.exit(0)
alpha = cho_solve(factor, Y, check_finite=False)
solve_ms = (time.perf_counter() - t) * 1000
del factor, K
out = {"n": n, "rkhsNormSq": float((Y * alpha).sum()), "solveMs": solve_ms, "ms": solve_ms}
if with_test:
    with open(f"{directory}/t10k-images-idx3-ubyte", "rb") as f:
        Z = (np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784).astype(np.float64) / 255).astype(np.float32)
    with open(f"{directory}/t10k-labels-idx1-ubyte", "rb") as f:
        z = np.frombuffer(f.read()[8:], dtype=np.uint8)
    t2 = time.perf_counter()  # loading the test images is not timed
    sqZ = (Z * Z).sum(1)
    wrong = 0
    block = np.empty((1000, n), dtype=np.float32)
    for r in range(0, len(Z), 1000):
        rows = min(1000, len(Z) - r)
        kernel_rows(Z[r : r + rows], sqZ[r : r + rows], block[:rows])
        wrong += int((np.argmax(block[:rows] @ alpha, 1) != z[r : r + rows]).sum())
    out["testError"] = wrong / len(Z)
    out["predictMs"] = (time.perf_counter() - t2) * 1000
    out["ms"] = solve_ms + out["predictMs"]
out["peakRssBytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps(out))
