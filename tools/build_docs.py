"""`make docs`: build the docs site offline into docs/.

nbdev's own notebook processing (`proc_nbs`: show_doc, hidden cells, frontmatter) writes `_proc/`; then `smalldocs`
(pure Python) renders the `_quarto.yml` site there, which we move to `docs/`. Where quarto is installed,
`nbdev-docs` builds the same site from the same files. The sidebar (sections Tutorials / Explanations / API) is generated here
from the notebook file names, so adding a notebook is all it takes to add a page.

At docs time nbdev executes exported cells, `show_doc` cells and every cell that holds an import (so that `show_doc`
sees the names), and nothing else. A cell that mixes an import with other code would then run without the cells
before it, so the notebooks keep their imports in cells of their own (nbdev warns about mixed cells).
"""
import os, shutil, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'

def ensure_quarto_link():
    "nbdev reads nbs/_quarto.yml; make it a link to the one real copy at the top level."
    q = NBS/'_quarto.yml'
    if q.is_symlink() and os.readlink(q) == '../_quarto.yml': return
    q.unlink(missing_ok=True); q.symlink_to('../_quarto.yml')

def _title(nb):
    import json
    for c in json.loads(nb.read_text(encoding='utf-8'))['cells']:
        if c['cell_type'] == 'markdown':
            for line in ''.join(c['source']).splitlines():
                if line.startswith('# '): return line[2:].strip()
    return nb.stem

def write_sidebar():
    "sidebar.yml: Home, then sections Tutorials (nbs/tutorials), Explanations (nbs/explanations), API (numbered notebooks)."
    tut = sorted(p for p in (NBS/'tutorials').glob('*.ipynb') if p.name != 'index.ipynb')
    exp = sorted((NBS/'explanations').glob('*.ipynb'))
    api = sorted(p for p in NBS.glob('[0-9]*.ipynb'))
    lines = ['website:', '  sidebar:', '    contents:', '      - index.ipynb']
    for name, nbs, top in (('Tutorials', tut, 'tutorials/index.ipynb'), ('Explanations', exp, None), ('API', api, None)):
        if not nbs and not top: continue
        lines += [f'      - section: {name}'] + ([f'        href: {top}'] if top and (NBS/top).exists() else []) + ['        contents:']
        lines += [f'          - {p.relative_to(NBS).as_posix()}' for p in nbs] or ['          []']
    (NBS/'sidebar.yml').write_text('\n'.join(lines) + '\n')

def write_nbdev_yml():
    (NBS/'nbdev.yml').write_text('project:\n  output-dir: _site\n\nwebsite:\n  title: "inspect_vl"\n'
        '  description: "Notebook-first toolkit for vision-language inspection models"\n  repo-branch: main\n')

def apply_output_files(proc: Path):
    """smalldocs names a page after its notebook file; nbdev (and quarto) use the `output-file` frontmatter
    (`00_geometry.ipynb` -> `geometry.html`). Rename the processed notebooks so both renderers give the same URLs."""
    import re
    moves = {}
    for nb in proc.rglob('*.ipynb'):
        txt = nb.read_text(encoding='utf-8')
        m = re.search(r'output-file:\s*([^\s"\\]+)\.html', txt)
        nb.write_text(re.sub(r'"output-file:[^"]*",?\n\s*', '', txt), encoding='utf-8')  # smalldocs would warn about it
        if m and m.group(1) != nb.stem:
            new = nb.with_name(m.group(1) + '.ipynb')
            nb.rename(new)
            moves[nb.relative_to(proc).as_posix()] = new.relative_to(proc).as_posix()
    for yml in (proc/'sidebar.yml', proc/'_quarto.yml'):
        if not yml.exists(): continue
        txt = yml.read_text(encoding='utf-8')
        for old, new in moves.items(): txt = re.sub(rf'(?<![\w/.]){re.escape(old)}\b', new, txt)
        yml.unlink(); yml.write_text(txt, encoding='utf-8')  # unlink first: the staged _quarto.yml may be a link

def main():
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    os.chdir(ROOT)
    ensure_quarto_link(); write_sidebar(); write_nbdev_yml()
    from nbdev.serve import proc_nbs
    proc_nbs(n_workers=0, force=True)
    proc = ROOT/'_proc'
    apply_output_files(proc)
    r = subprocess.run([str(Path(sys.executable).parent/'smalldocs'), 'render', '--quiet', str(proc)])
    if r.returncode: sys.exit(r.returncode)
    out = ROOT/'docs'
    if out.exists(): shutil.rmtree(out)
    shutil.move(str(proc/'_site'), str(out))
    print(f'docs: {len(list(out.rglob("*.html")))} pages in {out.relative_to(ROOT)}/')

if __name__ == '__main__': main()
