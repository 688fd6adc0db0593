"""numpy reference for `npm run bench -- training`: one epoch of MLP 1×512 (or 3×512) training.

Same task as ours: the first n MNIST training images standardized, float32, batch 128, softmax
cross-entropy, SGD with momentum 0.9 and lr 0.01, Glorot-uniform weights. Prints JSON with the
best epoch time of `epochs` epochs (the first one warms the BLAS up).
"""
import json, sys, time
import numpy as np

directory, n, depth, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
with open(f"{directory}/train-images-idx3-ubyte", "rb") as f:
    X = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(-1, 784)[:n].astype(np.float32) / 255
with open(f"{directory}/train-labels-idx1-ubyte", "rb") as f:
    y = np.frombuffer(f.read()[8:], dtype=np.uint8)[:n].astype(np.int64)
X = (X - X.mean()) / X.std()
rng = np.random.default_rng(1)
sizes = [784] + [512] * depth + [10]
W = [rng.uniform(-1, 1, (a, b)).astype(np.float32) * np.float32(np.sqrt(6 / (a + b))) for a, b in zip(sizes[:-1], sizes[1:])]
b = [np.zeros(s, np.float32) for s in sizes[1:]]
vW = [np.zeros_like(w) for w in W]
vb = [np.zeros_like(v) for v in b]
B, lr, mu = 128, np.float32(0.01), np.float32(0.9)
best = float("inf")
for epoch in range(epochs):
    order = rng.permutation(n)
    t = time.perf_counter()
    for s in range(0, n, B):
        idx = order[s:s + B]
        a = [X[idx]]
        for i in range(len(W)):
            z = a[-1] @ W[i] + b[i]
            a.append(np.maximum(z, 0) if i < len(W) - 1 else z)
        z = a[-1]
        p = np.exp(z - z.max(1, keepdims=True)); p /= p.sum(1, keepdims=True)
        g = p; g[np.arange(len(idx)), y[idx]] -= 1; g /= len(idx)
        for i in reversed(range(len(W))):
            gW = a[i].T @ g; gb = g.sum(0)
            if i > 0:
                g = (g @ W[i].T) * (a[i] > 0)
            vW[i] = mu * vW[i] + gW; W[i] -= lr * vW[i]
            vb[i] = mu * vb[i] + gb; b[i] -= lr * vb[i]
    best = min(best, (time.perf_counter() - t) * 1000)
print(json.dumps({"n": n, "depth": depth, "msPerEpoch": best}))
