"""The pandas peer of bench/ingest.ts: the same parse, merge and features on the same 8 CSV files.

Run: /usr/bin/python3 bench/py/ingest.py DIR   (prints one JSON line: seconds, rows, cols, peak_mb)
Same semantics as lib/ingest/retail.ts and ml/features/pipeline.ts (dense daily grid per store and
item, as-of price, promotions, markdowns, online, assortment, attributes; calendar, lags by calendar
days, shifted rolling windows, expanding mean, price/promo/online features, encodings).
"""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd

HOLIDAYS_MD = [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]


def main(d):
    t0 = time.perf_counter()
    ids = {"item_id": str, "store_id": str}

    def rd(name, dates=("date",)):
        df = pd.read_csv(f"{d}/{name}", dtype=ids, keep_default_na=True)
        df = df.drop(columns=[c for c in df.columns if c.startswith("Unnamed")])
        for c in dates:
            df[c] = pd.to_datetime(df[c], format="%Y-%m-%d")
        return df

    sales = rd("sales.csv")
    online = rd("online.csv")
    markdowns = rd("markdowns.csv")
    prices = rd("price_history.csv")
    discounts = rd("discounts_history.csv")
    stores = rd("stores.csv", dates=())
    catalog = rd("catalog.csv", dates=())
    matrix = rd("actual_matrix.csv")

    # ---- merge -------------------------------------------------------------------------------
    keys = ["store_id", "item_id"]
    min_d, max_d = sales["date"].min(), sales["date"].max()
    s = sales.groupby(keys + ["date"], sort=False).agg(quantity=("quantity", "sum"), sum_total=("sum_total", "sum"))
    on = online.groupby(keys + ["date"], sort=False)["quantity"].sum().rename("online_qty")
    span_src = pd.concat([sales[keys + ["date"]], online[keys + ["date"]]])
    span_src = span_src[(span_src["date"] >= min_d) & (span_src["date"] <= max_d)]
    span = span_src.groupby(keys)["date"].agg(["min", "max"])
    listed = matrix.groupby(keys)["date"].min().rename("listed_from")
    span = span.join(listed, how="outer")
    ph_first = prices.assign(date=prices["date"].clip(lower=min_d))
    ph_first = ph_first[ph_first["date"] <= max_d].groupby(keys)["date"].min().rename("first_price")
    span = span.join(ph_first, how="left")
    first = span[["min", "listed_from", "first_price"]].min(axis=1).clip(lower=min_d)
    last = span["max"].where(span["listed_from"].isna(), max_d)
    ok = first <= last
    first, last, span = first[ok], last[ok], span[ok]
    span = span.sort_index()
    first, last = first[span.index], last[span.index]
    lengths = ((last - first).dt.days + 1).to_numpy()
    n = int(lengths.sum())
    sidx = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
    offs = np.arange(n) - starts
    grid = pd.DataFrame({
        "series": sidx,
        "store_id": np.repeat(span.index.get_level_values(0).to_numpy(), lengths),
        "item_id": np.repeat(span.index.get_level_values(1).to_numpy(), lengths),
        "date": np.repeat(first.to_numpy(), lengths) + offs.astype("timedelta64[D]"),
        "listed_from": np.repeat(span["listed_from"].to_numpy(), lengths),
    })
    df = grid.merge(s.reset_index(), on=keys + ["date"], how="left")
    df = df.merge(on.reset_index(), on=keys + ["date"], how="left")
    df[["quantity", "sum_total", "online_qty"]] = df[["quantity", "sum_total", "online_qty"]].fillna(0.0)
    md = markdowns.assign(value=markdowns["quantity"] * markdowns["price"]).groupby(keys + ["date"])[["quantity", "value"]].sum()
    md = md.rename(columns={"quantity": "markdown_qty"}).reset_index()
    df = df.merge(md, on=keys + ["date"], how="left")
    df["markdown_qty"] = df["markdown_qty"].fillna(0.0)
    df["markdown_price"] = df["value"] / df["markdown_qty"].replace(0, np.nan)
    disc = discounts.assign(promo_depth=(1 - discounts["sale_price_time_promo"] / discounts["sale_price_before_promo"]).clip(0, 1))
    disc = disc.groupby(keys + ["date"]).agg(promo_depth=("promo_depth", "max"), promo_day=("number_disc_day", "max")).reset_index()
    df = df.merge(disc, on=keys + ["date"], how="left")
    df["promo"] = df["promo_depth"].notna().astype(float)
    df[["promo_depth", "promo_day"]] = df[["promo_depth", "promo_day"]].fillna(0.0)
    df["listed"] = (df["date"] >= df["listed_from"]).astype(float)
    # As-of price: the price of the latest price_history row on or before the date, back-filled.
    ph = prices.sort_values("date")[keys + ["date", "price"]]
    df = df.sort_values("date", kind="stable")
    df = pd.merge_asof(df, ph, on="date", by=keys, direction="backward")
    df = df.sort_values(["series", "date"], kind="stable").reset_index(drop=True)
    df["price"] = df.groupby("series")["price"].bfill()
    df = df.merge(stores, on="store_id", how="left").merge(catalog, on="item_id", how="left")

    # ---- features ----------------------------------------------------------------------------
    f = pd.DataFrame(index=df.index)
    dt = df["date"].dt
    f["dow"] = dt.dayofweek
    f["dom"] = dt.day
    f["week"] = dt.isocalendar().week.astype(float).to_numpy()
    f["month"] = dt.month
    f["quarter"] = dt.quarter
    f["year"] = dt.year
    f["weekend"] = (dt.dayofweek >= 5).astype(float)
    years = range(df["date"].min().year - 2, df["date"].max().year + 3)
    hol = np.array(sorted(pd.Timestamp(y, m, dd) for y in years for m, dd in HOLIDAYS_MD), dtype="datetime64[D]").astype(np.int64)
    day = df["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    j = np.searchsorted(hol, day, side="left")
    f["holiday"] = (hol[np.minimum(j, len(hol) - 1)] == day).astype(float)
    f["days_to_holiday"] = np.minimum(hol[np.minimum(j, len(hol) - 1)] - day, 400)
    k = np.searchsorted(hol, day, side="right") - 1
    f["days_from_holiday"] = np.minimum(day - hol[np.maximum(k, 0)], 400)
    g = df.groupby("series")["quantity"]
    for lag in (1, 7, 14, 28, 364):
        f[f"lag_{lag}"] = g.shift(lag)
    prev = g.shift(1)
    gp = prev.groupby(df["series"])
    for w in (7, 14, 28):
        r = gp.rolling(w, min_periods=1)
        f[f"roll_mean_{w}"] = r.mean().reset_index(level=0, drop=True)
        f[f"roll_std_{w}"] = r.std().reset_index(level=0, drop=True)
        f[f"roll_min_{w}"] = r.min().reset_index(level=0, drop=True)
        f[f"roll_max_{w}"] = r.max().reset_index(level=0, drop=True)
    f["expanding_mean"] = gp.cumsum() / gp.cumcount()
    f["price"] = df["price"]
    f["price_rel_28"] = df["price"] / df.groupby("series")["price"].rolling(28, min_periods=1).mean().reset_index(level=0, drop=True)
    f["promo"] = df["promo"]
    f["promo_depth"] = df["promo_depth"]
    f["promo_day"] = df["promo_day"]
    f["markdown"] = (df["markdown_qty"] > 0).astype(float)
    on7 = df.groupby("series")["online_qty"].shift(1).groupby(df["series"]).rolling(7, min_periods=1).sum().reset_index(level=0, drop=True)
    off7 = gp.rolling(7, min_periods=1).sum().reset_index(level=0, drop=True)
    den = on7 + off7
    f["online_share_7"] = (on7 / den).where(den > 0)  # NaN when returns make the window's sales <= 0
    for c in ("listed", "area", "weight_volume", "weight_netto", "fatness"):
        f[c] = df[c]
    train = df["date"] <= pd.Timestamp("2023-12-31")
    gm = df.loc[train, "quantity"].mean()
    st = df.loc[train].groupby("item_id")["quantity"].agg(["sum", "count"])
    te = (st["sum"] + 20 * gm) / (st["count"] + 20)
    f["item_target_enc"] = df["item_id"].map(te).fillna(gm)
    onehot = [c for c in ("store_id", "division", "format", "city", "dept_name", "class_name", "subclass_name", "item_type") if df[c].nunique() <= 4]
    ordinal = [c for c in ("dept_name", "class_name", "subclass_name") if c not in onehot]
    f = pd.concat([f, pd.get_dummies(df[onehot], dtype=float)], axis=1)
    for c in ordinal:
        f[f"{c}_code"] = df[c].astype("category").cat.codes.astype(float)
    f["series_age"] = (df["date"] - df.groupby("series")["date"].transform("min")).dt.days
    X = f.to_numpy(dtype=np.float64)
    y = df["quantity"].to_numpy(dtype=np.float64)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    checked = ["lag_7", "lag_364", "roll_mean_28", "roll_std_7", "expanding_mean", "price", "price_rel_28", "promo_depth", "online_share_7", "listed", "days_to_holiday", "item_target_enc"]
    checks = {"y": float(np.nansum(y))}
    for c in checked:
        checks[c] = float(np.nansum(f[c].to_numpy(dtype=np.float64)))
    print(json.dumps({"seconds": seconds, "rows": int(X.shape[0]), "cols": int(X.shape[1]), "peak_mb": peak_mb, "checks": checks}))


if __name__ == "__main__":
    main(sys.argv[1])
