"""Fréchet distance fixture for GanTests, computed the way FID's reference code does (scipy's sqrtm).

Run with Debian's python3-numpy and python3-scipy:  /usr/bin/python3 make_fid_fixture.py
The features are formulas, so the C# test builds the same sets without shipping arrays:
  a[i, j] = sin(0.37 i + 1.3 j) + 0.1 j        b[i, j] = 0.8 cos(0.21 i (j + 1)) + 0.05 i / n
for i < n = 50, j < d = 6.
"""
import json
import numpy as np
from scipy import linalg

n, d = 50, 6
i = np.arange(n)[:, None].astype(np.float64)
j = np.arange(d)[None, :].astype(np.float64)
a = np.sin(0.37 * i + 1.3 * j) + 0.1 * j
b = 0.8 * np.cos(0.21 * i * (j + 1)) + 0.05 * i / n


def fid(x, y):
    mu1, mu2 = x.mean(0), y.mean(0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    root, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(root.real))


with open("fid.json", "w") as f:
    json.dump({"source": "scipy " + __import__("scipy").__version__ + " linalg.sqrtm, numpy cov", "n": n, "d": d,
               "fid_a_b": fid(a, b), "fid_a_a": fid(a, a)}, f, indent=2)
    f.write("\n")
