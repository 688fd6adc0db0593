"""numpy/scipy reference for `npm run bench -- kernel`: the same task as `rethink kernel`.

Reads raw MNIST IDX files (path given), takes the first n training images (x/255), builds
K = exp(-gamma*|x - x'|^2), solves K alpha = Y (one-hot) by Cholesky, and reports the time of the
kernel + solve (JSON on stdout). With a fourth argument `test`, the time also covers the test kernel
and the prediction on MNIST's 10,000 test images (the issue's reference: kernel, solve and test
prediction together), and the test error is reported.
"""
import json, sys, time
import numpy as np
from scipy.linalg import cho_factor, cho_solve

directory, n, gamma = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
with_test = len(sys.argv) > 4 and sys.argv[4] == "test"
with open(f"{directory}/train-images-idx3-ubyte", "rb") as f:
    X = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784)[:n].astype(np.float64) / 255
with open(f"{directory}/train-labels-idx1-ubyte", "rb") as f:
    y = np.frombuffer(f.read()[8:], dtype=np.uint8)[:n]
t = time.perf_counter()
sq = (X * X).sum(1)
K = np.exp(-gamma * np.maximum(sq[:, None] + sq[None, :] - 2 * X @ X.T, 0))
Y = np.eye(10)[y]
alpha = cho_solve(cho_factor(K), Y)
solve_ms = (time.perf_counter() - t) * 1000
out = {"n": n, "rkhsNormSq": float((Y * alpha).sum()), "solveMs": solve_ms, "ms": solve_ms}
if with_test:
    with open(f"{directory}/t10k-images-idx3-ubyte", "rb") as f:
        Z = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784).astype(np.float64) / 255
    with open(f"{directory}/t10k-labels-idx1-ubyte", "rb") as f:
        z = np.frombuffer(f.read()[8:], dtype=np.uint8)
    t2 = time.perf_counter()  # loading the test images is not timed
    Kz = np.exp(-gamma * np.maximum((Z * Z).sum(1)[:, None] + sq[None, :] - 2 * Z @ X.T, 0))
    out["testError"] = float((np.argmax(Kz @ alpha, 1) != z).mean())
    out["predictMs"] = (time.perf_counter() - t2) * 1000
    out["ms"] = solve_ms + out["predictMs"]
print(json.dumps(out))
