"""`make bench`: run every `bench/bench_*.py`, print one table, write `bench/results.jsonl`.

Each benchmark module has `bench() -> list[dict]`, one dict per figure with keys `name`, `value`, `goal`
(e.g. '<= 0.05'), `unit` and `ok`. Ratios are measured side by side in one run (ours vs the named baseline), the
contenders taking turns in interleaved rounds (`bench/_timing.py`): a timed figure's `value` is the median over the
rounds, `spread` its [min, max] and `rounds` how many; the table prints the spread, and the gate is on the median.
The table groups the figures by area, in pipeline order, and lists an area that has no benchmark yet, so a reader
sees at a glance where the project stands. `python bench/run.py geometry stage_b` runs only those files.

A figure that passes once may fail on the next run, so a gate is only trusted when it holds run after run:
`--runs 3` runs the selection three times in a row, each run in a fresh process (as three `make bench` would: no
imports, caches or warm allocators carried over), and ends with one line per gated figure (its median in each run and
whether every run passed; a report row that failed its `ok` check in any run is listed too); `--busy` keeps a second
CPU-bound process spinning beside the benchmarks for the whole time (the busy machine a user's laptop or CI runner
often is). Every run's rows are also appended to `bench/history.jsonl` with the run's time, index, load and whether
the neighbour was busy, so runs on different days can be compared. The exit status is 1 when a gated figure missed
its goal in any run. With a selection, `results.jsonl` keeps the other files' rows from earlier runs.
"""
import argparse, contextlib, importlib.util, json, math, os, subprocess, sys, tempfile, time, traceback
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

def gated(r: dict) -> bool:
    "Whether a row has a goal it can miss (not 'info' or 'report')."
    return r.get('goal', '') not in ('info', 'report', '')

def failed(r: dict) -> bool:
    "Whether a row failed: its goal missed, or its `ok` check (e.g. outputs equal) false whatever the goal."
    return not r['ok']

def run_once(only=None) -> list:
    "Every selected benchmark once: its rows, each tagged with its source file and area."
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
    return rows

def runs_table(runs: list) -> str:
    "One line per gated figure: its median in every run, and whether it met its goal in all of them."
    names = list(dict.fromkeys(r['name'] for rows in runs for r in rows if gated(r) or failed(r)))
    by = [{r['name']: r for r in rows} for rows in runs]
    head = ['benchmark', 'goal'] + [f'run {i+1}' for i in range(len(runs))] + ['all runs']
    body = []
    for n in names:
        cells = [b.get(n) for b in by]
        goal = next(c['goal'] for c in cells if c)
        vals = [(_fmt(c['value']) + ('' if c['ok'] else ' NO')) if c else 'missing' for c in cells]
        body.append([n, goal] + vals + ['yes' if all(c and c['ok'] for c in cells) else 'NO'])
    w = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    line = lambda x: '  '.join(f'{str(v):<{w[i]}}' for i, v in enumerate(x)).rstrip()
    held = sum(b[-1] == 'yes' for b in body)
    return '\n'.join([line(head), line(['-' * n for n in w])] + [line(b) for b in body] +
                     [f'{held} of {len(body)} gated figures met their goal in all {len(runs)} runs'])

@contextlib.contextmanager
def busy_neighbour(on: bool):
    "With `on`, a second process spinning on one core for as long as the block runs."
    if not on: yield; return
    p = subprocess.Popen([sys.executable, '-c', 'import os\nparent = os.getppid()\nwhile os.getppid() == parent: pass'])   # ends with us
    try: yield
    finally: p.kill(); p.wait()

def write_results(rows: list, only) -> None:
    "bench/results.jsonl: this run's rows; with a selection, the other files' rows from earlier runs are kept."
    keep = []
    if only and (HERE/'results.jsonl').exists():
        ran = {r['source'] for r in rows}
        keep = [r for r in map(json.loads, (HERE/'results.jsonl').read_text().splitlines()) if r.get('source') not in ran]
    with open(HERE/'results.jsonl', 'w') as f:
        for r in keep + rows: f.write(json.dumps(r, ensure_ascii=False) + '\n')

def one_run(only, index: int, of: int, busy: bool) -> list:
    "One run in this process: the table printed, results.jsonl and history.jsonl written; returns the rows."
    t0, load = time.time(), os.getloadavg()[0]
    rows = run_once(only)
    write_results(rows, only)
    with open(HERE/'history.jsonl', 'a') as f:
        for r in rows:
            f.write(json.dumps(dict(r, run=index, of=of, busy=busy, started=time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(t0)),
                                    load=round(load, 2)), ensure_ascii=False) + '\n')
    missing = [] if only else [x for x in dict.fromkeys(AREAS.values()) if x not in {r['area'] for r in rows}]
    print(f'\n## run {index} of {of}{" (busy neighbour)" if busy else ""}: {time.time()-t0:.0f} s, load {load:.2f} at the start')
    print(table(rows, missing), flush=True)
    return rows

def child_run(only, index: int, of: int, busy: bool, tmp: Path) -> list:
    "Run `index` of `of` in a fresh process (as a separate `make bench` would be); its rows, or one crashed row."
    out = tmp/f'run{index}.jsonl'
    subprocess.run([sys.executable, __file__, *only, '--runs', str(of), '--run-index', str(index), '--rows-out', str(out)]
                   + (['--busy'] if busy else []), check=False)   # --busy only labels the child's rows: the neighbour is the parent's
    if not out.exists(): return [dict(name=f'run {index}: crashed', value=float('nan'), goal='runs', unit='', ok=False)]
    return [json.loads(l) for l in out.read_text().splitlines()]

def main(argv=None):
    ap = argparse.ArgumentParser(description='Run the benchmarks and print one table (see the module docstring).')
    ap.add_argument('only', nargs='*', help='run only the bench files whose name contains one of these')
    ap.add_argument('--runs', type=int, default=1, help='run the selection this many times in a row, each in a fresh process (default 1)')
    ap.add_argument('--busy', action='store_true', help='keep a CPU-bound process running beside the benchmarks')
    ap.add_argument('--run-index', type=int, default=0, help=argparse.SUPPRESS)   # set by --runs for its child processes
    ap.add_argument('--rows-out', default=None, help=argparse.SUPPRESS)           # where a child leaves its rows
    a = ap.parse_args(argv)
    if a.runs < 1: ap.error(f'--runs {a.runs}: give 1 or more')
    if a.run_index:   # a child of --runs: one run, rows left for the parent
        rows = one_run(a.only, a.run_index, a.runs, a.busy)
        Path(a.rows_out).write_text(''.join(json.dumps(r, ensure_ascii=False) + '\n' for r in rows)); return
    with busy_neighbour(a.busy), tempfile.TemporaryDirectory() as tmp:
        runs = ([one_run(a.only, 1, 1, a.busy)] if a.runs == 1 else   # a single run needs no child process
                [child_run(a.only, i, a.runs, a.busy, Path(tmp)) for i in range(1, a.runs + 1)])
    if a.runs > 1: print('\n' + runs_table(runs))
    if any(gated(r) and not r['ok'] for rows in runs for r in rows): sys.exit(1)

if __name__ == '__main__': main()
