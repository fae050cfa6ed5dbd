"""`make bench`: run every `bench/bench_*.py`, print one table, write `bench/results.jsonl`.

Each benchmark module has `bench() -> list[dict]`, one dict per figure with keys `name`, `value`, `goal`
(e.g. '<= 0.05'), `unit` and `ok`. Ratios are measured side by side in one run (ours vs the named baseline), the
contenders taking turns in interleaved rounds (`bench/_timing.py`): a timed figure's `value` is the median over the
rounds, `spread` its [min, max] and `rounds` how many; the table prints the spread, and the gate is on the median.
The table groups the figures by area, in pipeline order, and lists an area that has no benchmark yet, so a reader
sees at a glance where the project stands. `python bench/run.py geometry stage_b` runs only those files.
"""
import importlib.util, json, math, os, sys, time, traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

# file stem -> area, in pipeline order (the table's order)
AREAS = {'bench_geometry': 'geometry', 'bench_augment': 'augmentation', 'bench_data': 'data pipeline', 'bench_train': 'training',
         'bench_generate': 'Stage-A', 'bench_stage_a': 'Stage-A', 'bench_stage_b': 'Stage-B',
         'bench_evaluate': 'evaluation', 'bench_serve': 'serving'}

def area_of(stem: str) -> str:
    "The area a benchmark file reports on (its stem without `bench_` if it is not a known one)."
    return AREAS.get(stem, stem.removeprefix('bench_'))

def _load(p):
    spec = importlib.util.spec_from_file_location(p.stem, p)
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m

def _fmt(v):
    if isinstance(v, (int, float)) and not (isinstance(v, float) and math.isnan(v)): return f'{v:.4g}'
    return 'n/a'

def _spread(r) -> str:
    "'min–max (n)' of a figure timed in rounds; '' for a single value."
    if not r.get('spread'): return ''
    lo, hi = r['spread']
    return f"{_fmt(lo)}–{_fmt(hi)} ({r.get('rounds', '?')})"

def table(rows: list, missing: list = ()) -> str:
    "The one table: area, figure, value (median over rounds), spread (min–max, rounds), unit, goal, ok (areas without a benchmark at the end)."
    head = ('area', 'benchmark', 'value', 'spread (n)', 'unit', 'goal', 'ok')
    body = [(r['area'], r['name'], _fmt(r['value']), _spread(r), r.get('unit', ''), r.get('goal', ''), 'yes' if r['ok'] else 'NO') for r in rows]
    body += [(a, '(no benchmark yet)', '', '', '', '', '-') for a in missing]
    w = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    line = lambda x: '  '.join(f'{str(v):>{w[i]}}' if i in (2, 3) else f'{str(v):<{w[i]}}' for i, v in enumerate(x)).rstrip()
    out = [line(head), line(['-' * n for n in w])] + [line(x) for x in body]
    out.append(f"{sum(r['ok'] for r in rows)} of {len(rows)} figures meet their goal" if rows else '(no benchmarks yet)')
    return '\n'.join(out)

def main(only=None):
    rows = []
    files = sorted(HERE.glob('bench_*.py'), key=lambda p: (list(dict.fromkeys(AREAS.values())).index(area_of(p.stem))
                                                          if area_of(p.stem) in AREAS.values() else 99, p.stem))
    for p in files:
        if only and not any(o in p.stem for o in only): continue
        t0 = time.time()
        try: got = _load(p).bench()
        except Exception:
            traceback.print_exc(); got = [dict(name=f'{p.stem}: crashed', value=float('nan'), goal='runs', unit='', ok=False)]
        for r in got: r.setdefault('source', p.stem); r.setdefault('area', area_of(p.stem))
        rows += got
        print(f'# {p.stem}: {time.time()-t0:.1f}s', file=sys.stderr)
    with open(HERE/'results.jsonl', 'w') as f:
        for r in rows: f.write(json.dumps(r, ensure_ascii=False) + '\n')
    have = {area_of(p.stem) for p in files}
    missing = [] if only else [a for a in dict.fromkeys(AREAS.values()) if a not in have]
    print(table(rows, missing))

if __name__ == '__main__': main(sys.argv[1:])
