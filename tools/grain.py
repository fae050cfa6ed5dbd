"""Measure how the notebooks and the package read: cell grain, function length, docments, stand-alone prose, size.

Prints one line per bar with the measured figure and `ok` or `OVER`, then the worst offenders of each bar that
is not met. `make test` prints it (a report, not a gate: the suite's verdict stays `N passed, M failed`).
Usage: python tools/grain.py [--top 5] [--strict]   (--strict: exit 1 when a bar is missed)
"""
import argparse, ast, inspect, importlib, json, re, statistics, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'
PKG = ROOT/'inspect_vl'
# Material a reader of the repository cannot open: the developers' private specs and notes.
OUTSIDE = re.compile(r'shared/|DESIGN\.md|REFERENCE\.md|\bspecs?/\w|_spec\.md|§\s*\d')

def notebooks():
    "Every notebook of the site (API notebooks, tutorials, explanations), without checkpoints."
    return sorted(f for f in NBS.glob('**/*.ipynb') if '.ipynb_checkpoints' not in f.parts)

def code_cells(nb:dict) -> list:
    "`(source_lines, exported)` of each non-empty code cell; directive lines (`#|`) do not count as code."
    out = []
    for c in nb['cells']:
        if c['cell_type'] != 'code': continue
        src = ''.join(c['source']).splitlines()
        exported = any(re.match(r'#\|\s*export', l) for l in src)
        lines = [l for l in src if l.strip() and not l.lstrip().startswith('#|')]
        if lines: out.append((len(lines), exported))
    return out

def longest_untested_stretch(nb:dict) -> int:
    "Most lines of exported code in a row with no demo or test cell (a non-exported code cell) between."
    best = run = 0
    for n, exported in code_cells(nb):
        run = run + n if exported else 0
        best = max(best, run)
    return best

def pct(xs, q): return sorted(xs)[min(len(xs) - 1, int(q * len(xs)))] if xs else 0

def functions():
    "`(qualname, module file, length in lines)` of every function and method in the package (generated files aside)."
    for f in sorted(PKG.rglob('*.py')):
        if f.name == '_modidx.py': continue
        tree = ast.parse(f.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield node.name, f.relative_to(ROOT), node.end_lineno - node.lineno + 1

def public_callables():
    "Public functions (and public methods of public classes) with arguments, from every module's `__all__`."
    for f in sorted(PKG.rglob('*.py')):
        if f.name.startswith('_'): continue
        mod = '.'.join(f.relative_to(ROOT).with_suffix('').parts)
        try: m = importlib.import_module(mod)
        except Exception as e: print(f'  cannot import {mod}: {e}', file=sys.stderr); continue
        for name in getattr(m, '__all__', []):
            obj = getattr(m, name, None)
            if inspect.isfunction(obj) and obj.__module__ == mod: yield f'{mod}.{name}', obj
            elif inspect.isclass(obj) and obj.__module__ == mod:
                for k, v in vars(obj).items():
                    if not inspect.isfunction(v) or k.startswith('_'): continue
                    base = next((b.__dict__[k] for b in obj.__mro__[1:] if inspect.isfunction(b.__dict__.get(k))), None)
                    if base is not None and has_docments(base): continue   # an override is documented once, on its base
                    yield f'{mod}.{name}.{k}', v

def has_docments(f) -> bool:
    "True when every parameter (self/cls, *args, **kwargs aside) carries a docment or the function takes none."
    from fastcore.docments import docments
    params = [p for p in inspect.signature(f).parameters.values()
              if p.name not in ('self', 'cls') and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if not params: return None
    try: d = docments(f, full=True)
    except Exception: return False
    return all(d.get(p.name, {}).get('docment') for p in params)

def measure():
    "Every figure the bars are about, with the offenders behind each."
    nbs = [(f, json.loads(f.read_text())) for f in notebooks()]
    cells = [n for _, nb in nbs for n, _ in code_cells(nb)]
    exported = [n for _, nb in nbs for n, e in code_cells(nb) if e]
    stretches = sorted(((longest_untested_stretch(nb), f.relative_to(ROOT)) for f, nb in nbs), reverse=True)
    longfns = sorted(((n, f'{p}:{name}') for name, p, n in functions()), reverse=True)
    pub = [(q, has_docments(f)) for q, f in public_callables()]
    pub = [(q, d) for q, d in pub if d is not None]
    refs = [(f.relative_to(ROOT), m.group(0)) for f, nb in nbs for c in nb['cells']
            for m in OUTSIDE.finditer(''.join(c['source']))]
    refs += [(p.relative_to(ROOT), m.group(0)) for p in [ROOT/'README.md', *PKG.rglob('*.py')] if p.exists()
             for m in OUTSIDE.finditer(p.read_text())]
    sizes = sorted(((f.stat().st_size / 2**20, f.relative_to(ROOT)) for f, _ in nbs), reverse=True)
    return [
        ('code cells: median lines', statistics.median(cells), 6, []),
        ('code cells: p90 lines', pct(cells, .9), 20, []),
        ('exported cells: median lines', statistics.median(exported), 12, []),
        ('longest function (lines)', longfns[0][0], 40, [f'{n:4d}  {w}' for n, w in longfns if n > 40]),
        ('longest exported stretch without a test (lines)', stretches[0][0], 80,
         [f'{n:4d}  {w}' for n, w in stretches if n > 80]),
        ('public functions with arguments lacking docments (%)', round(100 * sum(not d for _, d in pub) / max(len(pub), 1), 1),
         20, [q for q, d in pub if not d]),
        ('references to files outside the repository', len(refs), 0, [f'{p}: {s}' for p, s in refs]),
        ('largest notebook (MB)', round(sizes[0][0], 2), 1.0, [f'{s:.2f}  {p}' for s, p in sizes if s > 1]),
    ]

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--top', type=int, default=5, help='offenders shown per missed bar')
    p.add_argument('--strict', action='store_true', help='exit 1 when a bar is missed')
    a = p.parse_args()
    sys.path.insert(0, str(ROOT))
    rows, missed = measure(), 0
    print('grain (bar: at most the figure on the right)')
    for name, v, bar, offenders in rows:
        ok = v <= bar
        missed += not ok
        print(f"  {'ok  ' if ok else 'OVER'} {name}: {v} (bar {bar})")
        if not ok:
            for o in offenders[:a.top]: print(f'         {o}')
            if len(offenders) > a.top: print(f'         ... {len(offenders) - a.top} more')
    print(f'grain: {len(rows) - missed} of {len(rows)} bars met')
    if a.strict and missed: sys.exit(1)

if __name__ == '__main__': main()
