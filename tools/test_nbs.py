"""Run the notebook test suite: a sync check, then every notebook through nbdev's own `test_nb`, in parallel.

Prints one line per notebook and ends with `N passed, M failed`, where N and M count test units:
one unit per notebook plus one for the sync check (package, README and notebooks in sync with `nbs/`).
Usage: python tools/test_nbs.py [--flags "slow"] [--n-workers 2] [--no-sync] [GLOB...]
"""
import argparse, os, subprocess, sys, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _status():
    "Tracked-file state that export/clean could change: porcelain status plus the diff itself."
    run = lambda *a: subprocess.run(['git', *a], cwd=ROOT, capture_output=True, text=True).stdout
    return run('status', '--porcelain', '--', 'inspect_vl', 'nbs', 'README.md') + run('diff', '--no-ext-diff', '--', 'inspect_vl', 'nbs', 'README.md')

def sync_check():
    "True if `make export` (version, nbdev-export, README) and nbdev-clean leave every tracked file as it was."
    before = _status()
    bin_ = Path(sys.executable).parent
    for cmd in ([sys.executable, str(ROOT/'tools'/'export.py')], [str(bin_/'nbdev-clean')]):
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode: return False, f'{Path(cmd[-1]).name} failed:\n{r.stdout}{r.stderr}'
    after = _status()
    if before == after: return True, ''
    return False, ('export/clean changed files: notebooks and package (or README) are out of sync, or notebooks carry '
                   'noisy metadata. Run `make export` and commit the result.\n' + after)

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('globs', nargs='*', help='notebook globs relative to nbs/ (default: every notebook)')
    p.add_argument('--flags', default='', help='space separated flags to run that are normally skipped (e.g. "slow")')
    p.add_argument('--n-workers', type=int, default=min(os.cpu_count() or 1, 2))
    p.add_argument('--no-sync', action='store_true', help='skip the export/clean sync check')
    a = p.parse_args()
    os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
    os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false')
    from nbdev.config import get_config
    cfg = get_config(ROOT)
    skip = cfg.tst_flags.split() if isinstance(cfg.tst_flags, str) else list(cfg.tst_flags)
    force = a.flags.split()
    skip = [f for f in skip if f not in force]
    nbs = ROOT/'nbs'
    files = sorted({f for g in (a.globs or ['**/*.ipynb']) for f in nbs.glob(g)
                    if '.ipynb_checkpoints' not in f.parts and not f.name.startswith('_')})
    files = [f for f in files if not (f.parent/'.notest').exists()]
    passed, failed = [], []
    if not a.no_sync:
        ok, msg = sync_check()
        print(f"{'PASS' if ok else 'FAIL'} sync check (export + clean leave the tree unchanged)", flush=True)
        if msg: print(msg, file=sys.stderr)
        (passed if ok else failed).append('sync')
    # nbdev's own test_nb, in a process pool as nbdev-test does (each notebook in its own shell, cwd = its folder).
    # It must be an importable function: the notebook shell replaces the worker's __main__.
    from fastcore.parallel import parallel
    from nbdev.test import test_nb
    res = parallel(test_nb, files, skip_flags=skip, force_flags=force, basepath=str(ROOT), n_workers=a.n_workers,
                   pause=0.01, progress=False)
    for fn, (ok, dt) in zip(files, res):
        print(f"{'PASS' if ok else 'FAIL'} {fn.relative_to(ROOT)} ({dt:.1f}s)", flush=True)
        (passed if ok else failed).append(fn)
    if failed: print('failed: ' + ', '.join(Path(f).name for f in failed), file=sys.stderr)
    print(f'{len(passed)} passed, {len(failed)} failed')
    sys.exit(1 if failed else 0)

if __name__ == '__main__': main()
