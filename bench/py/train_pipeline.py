"""The Python peer of `npm run bench:train` (issue 14): the product's training protocol
(ml/training) written as a data scientist would in pandas + XGBoost, on the same table with the
same features, timed stage by stage.

Run by bench/train-python.ts under /usr/bin/python3 (Debian python3-pandas, python3-xgboost):
    /usr/bin/python3 bench/py/train_pipeline.py <dir>
<dir> holds meta.json and little-endian columns written by bench/train-python.ts: series.i32,
day.i32 (days since 1970-01-01), target.f64 (NaN = unknown), num_<i>.f64 per numeric column and
cat_<i>.i32 per categorical column (codes into its vocabulary, -1 = missing), rows sorted by
series then day, each series a dense grid of periods `step` days apart. Prints one JSON object
{total_s, stages, wape, coverage_p80, coverage_p95, features, trees, feature_names} on stdout;
progress on stderr.

Protocol (ml/training/train.ts): last = the table's last day, H hold-out periods, O = last - H*step,
V = O - H*step.
  features             encodings fitted on days <= O; every feature of every row (groupby shift/rolling)
  validation_fit       XGBoost hist on days <= V, early stopping on (V, O]
  validation_forecast  recursive from V for H periods
  holdout_fit          days <= O with the early-stopped round count
  holdout_forecast     recursive from O over (O, last]; WAPE over rows with a finite actual
  intervals            a second backtest (fitted on days <= O - 2*H*step, forecast from there),
                       scaled conformal 80/95% half-widths per horizon band, hold-out coverage
  refit                features refitted on days <= last, model on every row <= last
Recursive forecasts keep the target as a dense (series x period) panel: each step fills the
target-dependent features (lags, rolling statistics, expanding mean, online share) of the rows
of that day from actuals up to the origin and the model's own predictions after it, never from
actuals after the origin; covariates known in advance (price, promotion, holidays, exogenous
columns) are read on the day, as in bulk.

Features: the same as ml/features/pipeline.ts, same names and order (bench/train-python.ts
warns when the names differ from ours). Checked on the demo (252,179 rows x 61 features) and
Walmart (6,435 x 34): against FeaturePipeline.transform on every row and column, and against
transformOrigin fed this script's predictions as overrides on every hold-out step; equal up to
float rounding (relative 1e-11 at most: pandas' rolling statistics are running sums, ours sum
each window afresh), except where that rounding meets a threshold:
  - online_share_7 on 2 demo rows of 252,179: a 7-day window whose sales and returns cancel
    sums to exactly 0 in ours (share NaN) and to about 1e-16 in pandas' rolling sum (share 0).
What else differs from ml/training:
  - the recursion predicts only the table's rows after the origin; ours also predicts the days
    past a delisted series' last row (read by nothing, so the scores are the same);
  - intervals are calibrated and scored at the series level only; ours also calibrates the
    store, category and total levels (the same residual code on bottom-up sums) and reports the
    series level's coverage, as this script does;
  - the trees are XGBoost's: its quantile sketch bins features differently from our binning and
    its row and column sampling draws other rows and columns from the same seed, so the models
    (and their early-stopped round counts) are alike, not identical.
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xgboost as xgb  # noqa: E402

CALENDAR_FEATURES = ["dow", "dom", "week", "month", "quarter", "year", "weekend", "holiday", "days_to_holiday", "days_from_holiday"]
HOLIDAY_DISTANCE_CAP = 400
# Numeric columns with a meaning of their own; any other numeric column is an exogenous regressor.
SPECIAL_NUMERIC = {"sum_total", "price", "promo", "promo_depth", "promo_day", "markdown_qty", "markdown_price", "online_qty"}
STAGES = ["features", "validation_fit", "validation_forecast", "holdout_fit", "holdout_forecast", "intervals", "refit"]
INTERVAL_LEVELS = [0.8, 0.95]
MIN_BAND_RESIDUALS = 30
NTHREAD = 2


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---- input ---------------------------------------------------------------------------------


def read_table(directory):
    """meta.json and the columns as one long DataFrame (series, day, y, numeric, categorical, keys)."""
    with open(os.path.join(directory, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)

    def column(name, dtype):
        return np.fromfile(os.path.join(directory, name), dtype=dtype)

    series = column("series.i32", "<i4")
    frame = {"series": series, "day": column("day.i32", "<i4"), "y": column("target.f64", "<f8")}
    for i, name in enumerate(meta["numeric"]):
        frame[name] = column(f"num_{i}.f64", "<f8")
    for i, cat in enumerate(meta["categorical"]):
        frame[cat["name"]] = pd.Categorical.from_codes(column(f"cat_{i}.i32", "<i4"), categories=cat["vocab"])
    for key, vocab, codes in zip(meta["keyNames"], meta["keyVocab"], meta["seriesKeys"]):
        frame[key] = pd.Categorical.from_codes(np.asarray(codes, dtype=np.int32)[series], categories=vocab)
    if len(frame) != 3 + len(meta["numeric"]) + len(meta["categorical"]) + len(meta["keyNames"]):
        raise ValueError("a column is named like another (or series, day, y)")
    return meta, pd.DataFrame(frame)


# ---- features ------------------------------------------------------------------------------


def calendar_features(days, step, holidays):
    """The 10 calendar columns per row (computed once per distinct day); a weekly period holds a
    holiday when one falls within the week ending on its day."""
    uniq, inverse = np.unique(days, return_inverse=True)
    dates = pd.to_datetime(uniq.astype(np.int64), unit="D")
    dow = dates.dayofweek.to_numpy()
    month = dates.month.to_numpy()
    h = np.asarray(holidays, dtype=np.int64)
    u = uniq.astype(np.int64)
    cap = HOLIDAY_DISTANCE_CAP
    if len(h) == 0:
        holiday = np.zeros(len(u))
        to_next = from_last = np.full(len(u), float(cap))
    else:
        i = np.searchsorted(h, u - step + 1, side="left")
        holiday = ((i < len(h)) & (h[np.minimum(i, len(h) - 1)] <= u)).astype(float)
        j = np.searchsorted(h, u, side="left")  # first holiday on or after the day
        to_next = np.where(j < len(h), np.minimum(h[np.minimum(j, len(h) - 1)] - u, cap), cap)
        k = np.searchsorted(h, u, side="right") - 1  # last holiday on or before it
        from_last = np.where(k >= 0, np.minimum(u - h[np.maximum(k, 0)], cap), cap)
    table = np.column_stack([
        dow, dates.day.to_numpy(), dates.isocalendar().week.to_numpy(np.int64), month, (month - 1) // 3 + 1,
        dates.year.to_numpy(), dow >= 5, holiday, to_next, from_last,
    ]).astype(np.float64)
    return table[inverse]


class FeaturePipeline:
    """ml/features/pipeline.ts in pandas: encodings fitted on rows dated <= fit_end; `transform`
    gives every feature of every row, a feature of day t reading the target only before t."""

    def __init__(self, meta):
        self.meta = meta
        self.step = meta["step"]
        daily = self.step == 1
        self.lags = [1, 7, 14, 28, 364] if daily else [1, 2, 4, 52]
        self.windows = [7, 14, 28] if daily else [4, 8, 13]
        self.holidays = meta["holidays"]

    def fit(self, df, fit_end):
        m = self.meta["targetEncodingSmoothing"]
        max_one_hot = self.meta["oneHotMaxValues"]
        known = df.loc[(df["day"] <= fit_end) & df["y"].notna(), :]
        if len(known) == 0:
            raise ValueError("no known target on or before the end of the fit window")
        self.global_mean = float(known["y"].mean())
        self.key_encodings = []
        for key, vocab in zip(self.meta["keyNames"], self.meta["keyVocab"]):
            if len(vocab) <= max_one_hot:
                self.key_encodings.append(("onehot", key, sorted(vocab)))
                continue
            stats = known.groupby(known[key].cat.codes)["y"].agg(["sum", "count"]).reindex(range(len(vocab)))
            smoothed = (stats["sum"] + m * self.global_mean) / (stats["count"] + m)
            # A value with no known target in the window gets the global mean.
            self.key_encodings.append(("target", key, smoothed.fillna(self.global_mean).to_numpy()))
        self.cat_encodings = [
            ("onehot", c["name"], sorted(c["vocab"])) if len(c["vocab"]) <= max_one_hot else ("ordinal", c["name"], None)
            for c in self.meta["categorical"]
        ]
        cols = set(df.columns)
        self.has_price = "price" in cols
        self.has_promo = {"promo", "promo_depth", "promo_day"} <= cols
        self.has_markdown = "markdown_qty" in cols
        self.has_online = "online_qty" in cols
        self.exogenous = [c for c in self.meta["numeric"] if c not in SPECIAL_NUMERIC]
        names = list(CALENDAR_FEATURES) + [f"lag_{lag}" for lag in self.lags]
        for w in self.windows:
            names += [f"roll_mean_{w}", f"roll_std_{w}", f"roll_min_{w}", f"roll_max_{w}"]
        names.append("expanding_mean")
        if self.has_price:
            names += ["price", "price_rel_28"]
        if self.has_promo:
            names += ["promo", "promo_depth", "promo_day"]
        if self.has_markdown:
            names.append("markdown")
        if self.has_online:
            names.append("online_share_7")
        names += self.exogenous
        for kind, column, values in self.key_encodings + self.cat_encodings:
            if kind == "onehot":
                names += [f"{column}={v}" for v in values]
            else:
                names.append(f"{column}_code" if kind == "ordinal" else f"{column}_target_enc")
        names.append("series_age")
        self.names = names
        return self

    def transform(self, df):
        """(rows x features) float64 array, columns in `self.names` order."""
        series = df["series"]
        by_series = df.groupby("series", sort=False)
        out = {}

        def rolled(values, window, how):
            r = getattr(values.groupby(series, sort=False).rolling(window, min_periods=1), how)()
            return r.droplevel(0).reindex(df.index).to_numpy()

        cal = calendar_features(df["day"].to_numpy(), self.step, self.holidays)
        for i, name in enumerate(CALENDAR_FEATURES):
            out[name] = cal[:, i]
        for lag in self.lags:
            out[f"lag_{lag}"] = by_series["y"].shift(lag).to_numpy()
        prev = by_series["y"].shift(1)  # the window t-w..t-1 of day t is prev's t-w+1..t
        for w in self.windows:
            for stat in ("mean", "std", "min", "max"):
                out[f"roll_{stat}_{w}"] = rolled(prev, w, stat)
        total = prev.fillna(0.0).groupby(series, sort=False).cumsum()
        count = prev.notna().astype(np.float64).groupby(series, sort=False).cumsum()
        out["expanding_mean"] = (total / count.where(count > 0)).to_numpy()
        if self.has_price:
            # Mean price over the 28 days ending on the day (prices are known in advance).
            price = df["price"]
            mean_price = rolled(price, max(1, round(28 / self.step)), "mean")
            out["price"] = price.to_numpy()
            out["price_rel_28"] = price.to_numpy() / np.where(mean_price != 0, mean_price, np.nan)
        if self.has_promo:
            for c in ("promo", "promo_depth", "promo_day"):
                out[c] = df[c].to_numpy()
        if self.has_markdown:
            out["markdown"] = (df["markdown_qty"] > 0).to_numpy(np.float64)
        if self.has_online:
            online = rolled(by_series["online_qty"].shift(1).fillna(0.0), 7, "sum")
            offline = rolled(prev.fillna(0.0), 7, "sum")
            both = online + offline
            out["online_share_7"] = online / np.where(both > 0, both, np.nan)
        for c in self.exogenous:
            out[c] = df[c].to_numpy()
        for kind, column, values in self.key_encodings + self.cat_encodings:
            codes = df[column].cat.codes.to_numpy()
            if kind == "onehot":
                for v in values:
                    out[f"{column}={v}"] = (df[column] == v).to_numpy(np.float64)
            elif kind == "ordinal":
                out[f"{column}_code"] = np.where(codes >= 0, codes, np.nan)
            else:
                out[f"{column}_target_enc"] = values[codes]
        out["series_age"] = (df["day"] - by_series["day"].transform("first")).to_numpy(np.float64)
        return np.column_stack([np.asarray(out[n], dtype=np.float64) for n in self.names])


# ---- recursive forecasts -------------------------------------------------------------------


class Panel:
    """The target (and online sales) as a dense series x period panel, NaN outside each series'
    span, and the table rows of every period: what the recursion reads and writes."""

    def __init__(self, df, step):
        self.step = step
        self.first = int(df["day"].min())
        self.series = df["series"].to_numpy()
        self.col = ((df["day"].to_numpy() - self.first) // step).astype(np.int64)
        n_series, n_periods = int(self.series.max()) + 1, int(self.col.max()) + 1
        self.y = np.full((n_series, n_periods), np.nan)
        self.y[self.series, self.col] = df["y"].to_numpy()
        self.online = None
        if "online_qty" in df.columns:
            self.online = np.full((n_series, n_periods), np.nan)
            self.online[self.series, self.col] = df["online_qty"].to_numpy()
        order = np.argsort(self.col, kind="stable")
        bounds = np.searchsorted(self.col[order], np.arange(n_periods + 1))
        self.rows_of_period = [order[bounds[p]:bounds[p + 1]] for p in range(n_periods)]

    def period(self, day):
        return (day - self.first) // self.step


def window_stats(window):
    """Mean, sample std, min and max of each row of a 2-D window, NaN skipped."""
    finite = ~np.isnan(window)
    n = finite.sum(axis=1)
    total = np.where(finite, window, 0.0).sum(axis=1)
    mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
    dev = np.where(finite, window - mean[:, None], 0.0)
    std = np.where(n > 1, np.sqrt((dev * dev).sum(axis=1) / np.maximum(n - 1, 1)), np.nan)
    lo = np.where(n > 0, np.where(finite, window, np.inf).min(axis=1), np.nan)
    hi = np.where(n > 0, np.where(finite, window, -np.inf).max(axis=1), np.nan)
    return mean, std, lo, hi


def recursive_forecast(booster, rounds, pipeline, X, panel, origin, horizon, clamp):
    """Forecasts the table rows of the `horizon` periods after `origin`, one period at a time.
    Returns (rows, predictions)."""
    col = {name: i for i, name in enumerate(pipeline.names)}
    po = panel.period(origin)
    y = panel.y.copy()
    y[:, po + 1:] = np.nan
    online = None
    if panel.online is not None:
        online = panel.online.copy()
        online[:, po + 1:] = np.nan  # as unknown after the origin as the target
    out_rows, out_pred = [], []
    for k in range(1, horizon + 1):
        p = po + k
        if p >= len(panel.rows_of_period):
            break
        rows = panel.rows_of_period[p]
        if len(rows) == 0:
            continue
        s = panel.series[rows]
        Xk = X[rows].copy()
        for lag in pipeline.lags:
            Xk[:, col[f"lag_{lag}"]] = y[s, p - lag] if p - lag >= 0 else np.nan
        for w in pipeline.windows:
            stats = window_stats(y[s, max(0, p - w):p])
            for name, v in zip(("mean", "std", "min", "max"), stats):
                Xk[:, col[f"roll_{name}_{w}"]] = v
        history = y[s, :p]
        seen = (~np.isnan(history)).sum(axis=1)
        Xk[:, col["expanding_mean"]] = np.nansum(history, axis=1) / np.where(seen > 0, seen, np.nan)
        if online is not None:
            on = np.nansum(online[s, max(0, p - 7):p], axis=1)
            off = np.nansum(y[s, max(0, p - 7):p], axis=1)
            both = on + off
            Xk[:, col["online_share_7"]] = on / np.where(both > 0, both, np.nan)
        pred = booster.inplace_predict(Xk, iteration_range=(0, rounds))
        if clamp:
            pred = np.maximum(pred, 0.0)
        y[s, p] = pred
        out_rows.append(rows)
        out_pred.append(pred)
    if not out_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return np.concatenate(out_rows), np.concatenate(out_pred).astype(np.float64)


# ---- models --------------------------------------------------------------------------------


def booster_params(gbm):
    """Our gbm parameters as XGBoost's (colsample per split as ours samples features per split)."""
    poisson = gbm.get("loss", "squared") == "poisson"
    params = {
        "tree_method": "hist",
        "nthread": NTHREAD,
        "objective": "count:poisson" if poisson else "reg:squarederror",
        "eta": gbm.get("learningRate", 0.1),
        "max_depth": gbm.get("maxDepth", 6),
        "min_child_weight": gbm.get("minChildWeight", 1),
        "reg_lambda": gbm.get("lambda", 1),
        "gamma": gbm.get("minSplitGain", 0),
        "subsample": gbm.get("subsample", 1),
        "colsample_bynode": gbm.get("colsample", 1),
        "max_bin": gbm.get("maxBins", 255),
        "seed": gbm.get("seed", 42),
    }
    max_delta_step = gbm.get("maxDeltaStep")
    if max_delta_step is None and poisson:
        max_delta_step = 0.7
    if max_delta_step is not None:
        params["max_delta_step"] = max_delta_step
    return params, poisson


def fit_booster(gbm, X, y, rounds, valid=None):
    """Fits from the mean target (as ours); with `valid`, stops early on it. Returns (booster, rounds kept)."""
    params, poisson = booster_params(gbm)
    if poisson:
        y = np.maximum(y, 0.0)  # a Poisson model cannot see returns: they count as 0
    params["base_score"] = float(y.mean())
    dtrain = xgb.DMatrix(X, label=y, nthread=NTHREAD)
    if valid is None:
        return xgb.train(params, dtrain, num_boost_round=rounds), rounds
    Xv, yv = valid
    dvalid = xgb.DMatrix(Xv, label=np.maximum(yv, 0.0) if poisson else yv, nthread=NTHREAD)
    booster = xgb.train(params, dtrain, num_boost_round=rounds, evals=[(dvalid, "valid")],
                        early_stopping_rounds=gbm.get("earlyStoppingRounds", 10), verbose_eval=False)
    return booster, booster.best_iteration + 1


# ---- intervals -----------------------------------------------------------------------------


def horizon_bands(step):
    return [(1, 7), (8, 28), (29, 90)] if step == 1 else [(1, 2), (3, 4), (5, 13)]


def conformal_quantile(scores, level):
    """The ceil((n + 1) level)-th smallest score, +inf when that rank exceeds n."""
    rank = int(np.ceil((len(scores) + 1) * level))
    return float(np.sort(scores)[rank - 1]) if 0 < rank <= len(scores) else np.inf


def series_scales(df, origin, window):
    """Mean |target| of each series over its last `window` periods up to the origin (0 without any)."""
    recent = df.loc[df["day"] <= origin, ["series", "y"]].groupby("series", sort=False).tail(window)
    scale = recent["y"].abs().groupby(recent["series"]).mean()
    n_series = int(df["series"].max()) + 1
    return scale.reindex(np.arange(n_series)).fillna(0.0).to_numpy()


class ScaledConformal:
    """ml/forecasting/intervals.ts: absolute residuals divided by the series' scale plus a floor
    (10% of the mean scale), their conformal quantile per horizon band (a band with fewer than 30
    borrows the nearest horizons'; one still too small for a level takes the pooled quantile)."""

    def __init__(self, backtests, step):
        self.bands = horizon_bands(step)
        scales = np.concatenate([b["scales"] for b in backtests])
        self.floor = max(0.1 * float(scales.mean()), 1e-9)
        h = np.concatenate([b["horizon"] for b in backtests])
        r = np.concatenate([np.abs(b["actual"] - b["predicted"]) / (b["scale"] + self.floor) for b in backtests])
        keep = np.isfinite(r)
        h, r = h[keep], r[keep]
        by_horizon = {int(k): r[h == k] for k in np.unique(h)}
        self.widths = []
        for b, (lo, hi) in enumerate(self.bands):
            last = b == len(self.bands) - 1
            scores = r[(h >= lo) & ((h <= hi) | last)]
            outside = sorted((lo - k if k < lo else k - hi, k) for k in by_horizon if k < lo or (k > hi and not last))
            for _, k in outside:
                if len(scores) >= MIN_BAND_RESIDUALS:
                    break
                scores = np.concatenate([scores, by_horizon[k]])
            widths = [conformal_quantile(scores, level) for level in INTERVAL_LEVELS]
            widths = [w if np.isfinite(w) else conformal_quantile(r, level) for w, level in zip(widths, INTERVAL_LEVELS)]
            self.widths.append(np.maximum.accumulate(widths))  # a higher level is never narrower

    def half_width(self, horizon, level_index, scale):
        band = np.full(len(horizon), len(self.bands) - 1)
        for b in reversed(range(len(self.bands))):
            band = np.where(horizon <= self.bands[b][1], b, band)
        q = np.asarray([self.widths[b][level_index] for b in band])
        return q * (scale + self.floor)


def backtest(df, panel, origin, rows, predicted, window):
    """A forecast's samples with a finite actual: horizon, actual, predicted and the scale of the row's series."""
    actual = df["y"].to_numpy()[rows]
    keep = np.isfinite(actual)
    rows, actual, predicted = rows[keep], actual[keep], predicted[keep]
    scales = series_scales(df, origin, window)
    horizon = (df["day"].to_numpy()[rows] - origin) // panel.step
    return {"horizon": horizon, "actual": actual, "predicted": predicted, "scale": scales[panel.series[rows]], "scales": scales}


# ---- the run -------------------------------------------------------------------------------


def main():
    directory = sys.argv[1]
    started = time.perf_counter()
    stages = {}
    clock = [started]

    def done(stage):
        now = time.perf_counter()
        stages[stage] = now - clock[0]
        clock[0] = now
        log(f"{stage}: {stages[stage]:.2f} s")

    meta, df = read_table(directory)
    clock[0] = time.perf_counter()
    log(f"read: {clock[0] - started:.2f} s ({len(df)} rows)")
    step, H, O, V = meta["step"], meta["H"], meta["O"], meta["V"]
    gbm = meta["gbm"]
    day = df["day"].to_numpy()
    y = df["y"].to_numpy()
    known = np.isfinite(y)
    last = int(day.max())

    pipeline = FeaturePipeline(meta).fit(df, O)
    X = pipeline.transform(df)
    panel = Panel(df, step)
    train, valid, upto_o = known & (day <= V), known & (day > V) & (day <= O), known & (day <= O)
    # Quantities (at most 1% of the training rows below zero: returns) are never forecast negative.
    clamp = bool((y[upto_o] < 0).sum() <= 0.01 * upto_o.sum() or y[upto_o].min() >= 0)
    done("features")

    model, rounds = fit_booster(gbm, X[train], y[train], int(gbm.get("nEstimators", 100)), valid=(X[valid], y[valid]))
    done("validation_fit")
    valid_fc = recursive_forecast(model, rounds, pipeline, X, panel, V, H, clamp)
    done("validation_forecast")

    model, _ = fit_booster(gbm, X[upto_o], y[upto_o], rounds)
    done("holdout_fit")
    hold_rows, hold_pred = recursive_forecast(model, rounds, pipeline, X, panel, O, H, clamp)
    actual = y[hold_rows]
    keep = np.isfinite(actual)
    wape = float(np.abs(actual[keep] - hold_pred[keep]).sum() / np.abs(actual[keep]).sum())
    done("holdout_forecast")

    window = 28 if step == 1 else 8
    backtests = []
    for origin in meta["calibrationOrigins"]:
        if origin == V:
            rows, pred = valid_fc
        else:
            fit_rows = known & (day <= origin)
            bt_model, _ = fit_booster(gbm, X[fit_rows], y[fit_rows], rounds)
            rows, pred = recursive_forecast(bt_model, rounds, pipeline, X, panel, origin, H, clamp)
        backtests.append(backtest(df, panel, origin, rows, pred, window))
    intervals = ScaledConformal(backtests, step)
    hold = backtest(df, panel, O, hold_rows, hold_pred, window)
    inside = []
    for li in range(len(INTERVAL_LEVELS)):
        w = intervals.half_width(hold["horizon"], li, hold["scale"])
        lower = hold["predicted"] - w
        if clamp:
            lower = np.maximum(lower, 0.0)
        inside.append(float(((hold["actual"] >= lower) & (hold["actual"] <= hold["predicted"] + w)).mean()))
    done("intervals")

    final = FeaturePipeline(meta).fit(df, last)
    X_final = final.transform(df)
    fit_rows = known & (day <= last)
    fit_booster(gbm, X_final[fit_rows], y[fit_rows], rounds)
    done("refit")

    result = {
        "total_s": time.perf_counter() - started,
        "stages": {s: stages[s] for s in STAGES},
        "wape": wape,
        "coverage_p80": inside[0],
        "coverage_p95": inside[1],
        "features": len(pipeline.names),
        "trees": rounds,
        "feature_names": pipeline.names,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
