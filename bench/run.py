"""`make bench`: run every `bench/bench_*.py`, print one table, write `bench/results.jsonl`.

Each benchmark module has `bench() -> list[dict]`, one dict per figure with keys `name`, `value`, `goal`
(e.g. '<= 0.05'), `unit` and `ok`. Ratios are measured side by side in one run (ours vs the named baseline).
"""
import importlib.util, json, os, sys, time, traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

def _load(p):
    spec = importlib.util.spec_from_file_location(p.stem, p)
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m

def main(only=None):
    rows = []
    for p in sorted(HERE.glob('bench_*.py')):
        if only and not any(o in p.stem for o in only): continue
        t0 = time.time()
        try: got = _load(p).bench()
        except Exception:
            traceback.print_exc(); got = [dict(name=f'{p.stem}: crashed', value=float('nan'), goal='runs', unit='', ok=False)]
        for r in got: r.setdefault('source', p.stem)
        rows += got
        print(f'# {p.stem}: {time.time()-t0:.1f}s', file=sys.stderr)
    with open(HERE/'results.jsonl', 'w') as f:
        for r in rows: f.write(json.dumps(r, ensure_ascii=False) + '\n')
    w = max([len(r['name']) for r in rows] + [9])
    print(f"{'benchmark':<{w}}  {'value':>10}  {'unit':<8}  {'goal':<10}  ok")
    for r in rows: print(f"{r['name']:<{w}}  {r['value']:>10.4g}  {r['unit']:<8}  {r['goal']:<10}  {'yes' if r['ok'] else 'NO'}")
    if not rows: print('(no benchmarks yet)')
    print(f"{sum(r['ok'] for r in rows)} of {len(rows)} figures meet their goal")

if __name__ == '__main__': main(sys.argv[1:])
