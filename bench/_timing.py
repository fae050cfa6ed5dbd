"""Timing in interleaved rounds, shared by every gated benchmark.

A figure that compares contenders timed one after the other tells more about the machine's load at that moment
than about the code: a second process waking up during B's run makes B look slow. So the contenders take turns:
every round runs A, then B (then C …), and each round gives one ratio, measured under the load of that round. After
a warm-up round (imports, caches, first-call costs) at least `ROUNDS` rounds count; the figure is the MEDIAN of the
per-round ratios, shown with their min–max, and the gate is on the median. One slow moment spoils one round, not
the figure.

    t = interleaved({'ours': f, 'theirs': g})            # seconds per call of each, round by round
    r = ratio(t['theirs'], t['ours'])                     # per-round theirs/ours
    row('x: theirs / ours', r, '>= 2')                    # the table row: value = median, spread = [min, max]
"""
import operator, statistics, time

ROUNDS = 5   # counted rounds (after the warm-up)

def burst(f, n: int) -> float:
    "Seconds per call of `f` over `n` back-to-back calls (`f` gets the call's index)."
    t0 = time.perf_counter()
    for i in range(n): f(i)
    return (time.perf_counter() - t0) / n

def interleaved(fns: dict, rounds: int = ROUNDS, warmup: int = 1, min_time: float = 0.05, calls: int | None = None) -> dict:
    """Seconds per call of every function in `fns` (name -> f(i)), per round: {name: [round 1, round 2, …]}.

    Within a round the functions take turns in the order given. Each turn is a burst of `calls` calls (by default
    as many as make that function's burst last about `min_time` s, fixed after the warm-up so every round does the
    same work). The `warmup` rounds are run and dropped."""
    n = {k: calls or 1 for k in fns}
    for _ in range(warmup):
        for k, f in fns.items():
            burst(f, 1); t = burst(f, 1)   # the first call pays one-off costs; the second sizes the burst
            if calls is None: n[k] = max(1, round(min_time / max(t, 1e-9)))
    out = {k: [] for k in fns}
    for _ in range(rounds):
        for k, f in fns.items(): out[k].append(burst(f, n[k]))
    return out

def ratio(num: list, den: list) -> list:
    "Per-round ratios num[i] / den[i] (both timed in the same round)."
    if len(num) != len(den): raise ValueError(f'{len(num)} rounds against {len(den)}: time both sides in the same rounds')
    return [a / b for a, b in zip(num, den)]

_OPS = {'>=': operator.ge, '<=': operator.le, '>': operator.gt, '<': operator.lt}

def meets(value: float, goal: str) -> bool:
    "Whether `value` meets a goal written as '>= 2.5', '<= 0.05' …; 'info' and 'report' goals are always met."
    op, _, bound = goal.partition(' ')
    if op not in _OPS: return True
    return _OPS[op](value, float(bound))

def spread(values: list) -> dict:
    "Median, min and max of per-round values, and how many rounds."
    return dict(value=statistics.median(values), spread=[min(values), max(values)], rounds=len(values))

def row(name: str, values: list, goal: str, unit: str = 'ratio', ok: bool = True, **extra) -> dict:
    "One table row from per-round values: the value is their median, gated on `goal` (and `ok`, e.g. outputs equal)."
    s = spread(values)
    return dict(name=name, **s, goal=goal, unit=unit, ok=bool(ok) and meets(s['value'], goal), **extra)

def fmt_spread(values: list, digits: int = 3) -> str:
    "'median (min–max, n rounds)' for a log line."
    s = spread(values); lo, hi = s['spread']
    return f"{s['value']:.{digits}g} ({lo:.{digits}g}–{hi:.{digits}g}, {s['rounds']} rounds)"
