"""numpy/scipy reference for `npm run bench -- kernel`: the same task as `rethink kernel`.

Reads raw MNIST IDX files (path given), takes the first n training images (x/255), builds
K = exp(-gamma*|x - x'|^2), solves K alpha = Y (one-hot) by Cholesky, and reports the time of the
kernel + solve (JSON on stdout). Test prediction is left out so the timing matches ours.
"""
import json, sys, time
import numpy as np
from scipy.linalg import cho_factor, cho_solve

directory, n, gamma = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
with open(f"{directory}/train-images-idx3-ubyte", "rb") as f:
    X = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784)[:n].astype(np.float64) / 255
with open(f"{directory}/train-labels-idx1-ubyte", "rb") as f:
    y = np.frombuffer(f.read()[8:], dtype=np.uint8)[:n]
t = time.perf_counter()
sq = (X * X).sum(1)
K = np.exp(-gamma * np.maximum(sq[:, None] + sq[None, :] - 2 * X @ X.T, 0))
Y = np.eye(10)[y]
alpha = cho_solve(cho_factor(K), Y)
ms = (time.perf_counter() - t) * 1000
print(json.dumps({"n": n, "ms": ms, "rkhsNormSq": float((Y * alpha).sum())}))
