"""Reference models for bench/ml.ts: XGBoost hist, scikit-learn HistGradientBoostingRegressor and
RandomForestRegressor on the exact table our engine sees.

Run by bench/ml.ts under /usr/bin/python3 (Debian python3-xgboost, python3-sklearn):
    /usr/bin/python3 bench/py/ml_bench.py <dir>
<dir> holds meta.json and float64 little-endian files written by bench/ml.ts:
X_train.f64 / X_test.f64 (column-major, NaN = missing), y_train.f64 / y_test.f64.
Prints one JSON object {model: {fit_s, predict_rows_per_s, wape}} on stdout.
"""
import json
import os
import sys
import time

import numpy as np


def load(directory):
    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    cols = meta["cols"]

    def matrix(name, rows):
        flat = np.fromfile(os.path.join(directory, name), dtype="<f8")
        # Column-major on disk -> (rows, cols) C-contiguous for the libraries.
        return np.ascontiguousarray(flat.reshape(cols, rows).T)

    X_train = matrix("X_train.f64", meta["trainRows"])
    X_test = matrix("X_test.f64", meta["testRows"])
    y_train = np.fromfile(os.path.join(directory, "y_train.f64"), dtype="<f8")
    y_test = np.fromfile(os.path.join(directory, "y_test.f64"), dtype="<f8")
    return meta, X_train, y_train, X_test, y_test


def wape(actual, predicted):
    return float(np.abs(predicted - actual).sum() / np.abs(actual).sum())


def timed_predict(model, X_all):
    """Predicted rows per second over the whole table (best of two runs, as our side)."""
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        model.predict(X_all)
        best = min(best, time.perf_counter() - t)
    return X_all.shape[0] / best


def main():
    directory = sys.argv[1]
    only = set(sys.argv[2].split(",")) if len(sys.argv) > 2 and sys.argv[2] else None
    meta, X_train, y_train, X_test, y_test = load(directory)
    X_all = np.vstack([X_train, X_test])
    p = meta["params"]
    out = {}

    # scikit-learn 1.2's RandomForestRegressor rejects NaN: it gets the training column means
    # imputed (imputation time not counted); the other models take NaN natively.
    means = np.nanmean(X_train, axis=0)
    means = np.where(np.isnan(means), 0.0, means)

    def imputed(X):
        return np.where(np.isnan(X), means, X)

    def run(name, make, needs_imputation=False):
        if only is not None and name not in only:
            return
        Xtr, Xte, Xall = (imputed(X_train), imputed(X_test), imputed(X_all)) if needs_imputation else (X_train, X_test, X_all)
        model = make()
        t = time.perf_counter()
        model.fit(Xtr, y_train)
        fit_s = time.perf_counter() - t
        rate = timed_predict(model, Xall)
        out[name] = {"fit_s": fit_s, "predict_rows_per_s": rate, "wape": wape(y_test, model.predict(Xte))}
        print(f"{name}: {out[name]}", file=sys.stderr, flush=True)

    def xgb_hist():
        import xgboost as xgb

        return xgb.XGBRegressor(
            n_estimators=p["trees"], max_depth=p["depth"], learning_rate=p["learningRate"], max_bin=p["bins"],
            tree_method="hist", n_jobs=2, reg_lambda=p["lambda"], min_child_weight=p["minChildWeight"],
            subsample=1.0, colsample_bynode=1.0, random_state=p["seed"], base_score=p["baseScore"],
        )

    def sk_hgb():
        from sklearn.ensemble import HistGradientBoostingRegressor

        # max_leaf_nodes=None + max_depth gives depth-wise trees like ours and XGBoost's.
        return HistGradientBoostingRegressor(
            max_iter=p["trees"], max_depth=p["depth"], learning_rate=p["learningRate"], max_bins=p["bins"],
            max_leaf_nodes=None, l2_regularization=p["lambda"], min_samples_leaf=1, early_stopping=False,
            random_state=p["seed"],
        )

    def sk_rf():
        from sklearn.ensemble import RandomForestRegressor

        return RandomForestRegressor(
            n_estimators=p["rfTrees"], max_depth=p["rfDepth"], max_features=p["rfMaxFeatures"], n_jobs=2,
            random_state=p["seed"],
        )

    os.environ.setdefault("OMP_NUM_THREADS", "2")
    run("xgboost_hist", xgb_hist)
    run("sklearn_hgb", sk_hgb)
    run("sklearn_rf", sk_rf, needs_imputation=True)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
