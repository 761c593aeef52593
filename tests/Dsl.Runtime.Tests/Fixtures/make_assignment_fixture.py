"""Optimal assignments for DetectionTests, from scipy's linear_sum_assignment (what DETR's matcher calls).

Run with Debian's python3-numpy and python3-scipy:  /usr/bin/python3 make_assignment_fixture.py
"""
import json
import numpy as np
from scipy.optimize import linear_sum_assignment

rng = np.random.default_rng(19)
cases = []
for rows, cols in [(4, 4), (6, 3), (3, 7), (10, 10), (20, 8), (12, 30)]:
    cost = np.round(rng.normal(size=(rows, cols)) * 3, 3)
    r, c = linear_sum_assignment(cost)
    cases.append({"cost": cost.tolist(), "rows": r.tolist(), "columns": c.tolist(), "total": float(cost[r, c].sum())})
with open("assignment.json", "w") as f:
    json.dump({"source": "scipy " + __import__("scipy").__version__ + " optimize.linear_sum_assignment", "cases": cases}, f)
    f.write("\n")
