"""`make export`: settings.ini version -> inspect_vl/__init__.py, nbdev-export, then README.md from nbs/index.ipynb.

settings.ini is the one place the version lives; nbdev 3 reads `__version__` from `__init__.py`, so we write it there.
README.md is generated from `nbs/index.ipynb` (markdown cells as they are, code cells fenced, `#| hide` cells dropped)
because nbdev's own README route needs quarto, which these machines cannot install.
"""
import json, re, subprocess, sys
from configparser import ConfigParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def settings():
    cfg = ConfigParser(delimiters=['=']); cfg.read(ROOT/'settings.ini', encoding='utf-8')
    return cfg['DEFAULT']

def sync_version():
    from nbdev.config import set_version
    (ROOT/'inspect_vl').mkdir(exist_ok=True)
    init = ROOT/'inspect_vl'/'__init__.py'
    if not init.exists(): init.write_text('')
    set_version(ROOT/'inspect_vl', settings()['version'])

def ensure_cell_ids():
    "Give every cell lacking an id a stable one: nbdev writes cell ids into the modules, so random ids would churn them."
    import hashlib
    for nb in (ROOT/'nbs').rglob('*.ipynb'):
        if '.ipynb_checkpoints' in nb.parts: continue
        d = json.loads(nb.read_text(encoding='utf-8'))
        missing = [c for c in d['cells'] if not c.get('id')]
        if not missing: continue
        for i, c in enumerate(d['cells']):
            if not c.get('id'): c['id'] = hashlib.sha1(f"{i}:{''.join(c['source'])}".encode()).hexdigest()[:8]
        d['nbformat'], d['nbformat_minor'] = 4, max(d.get('nbformat_minor', 5), 5)
        nb.write_text(json.dumps(d, indent=1, ensure_ascii=False) + '\n', encoding='utf-8')

def _directives(src):
    return {m.group(1).strip() for m in re.finditer(r'^#\|\s*([^\n]+)$', src, re.M)}

def readme():
    nb = json.loads((ROOT/'nbs'/'index.ipynb').read_text(encoding='utf-8'))
    out = []
    for c in nb['cells']:
        src = ''.join(c['source'])
        d = _directives(src)
        if 'hide' in d or 'include: false' in d: continue
        body = re.sub(r'^#\|[^\n]*\n?', '', src, flags=re.M).strip()
        if not body: continue
        if c['cell_type'] == 'markdown':
            body = re.sub(r'\]\((?!https?:|/|#)([^)]+)\)', r'](nbs/\1)', body)   # relative links and images: from the top level
            m = re.match(r'^# (.+)\n+> (.+)', body)  # the title cell becomes frontmatter in docs; keep it readable here
            out.append(f'# {m.group(1)}\n\n> {m.group(2)}' if m else body)
        elif c['cell_type'] == 'code': out.append(f'```python\n{body}\n```')
    text = '<!-- generated from nbs/index.ipynb by `make export`; do not edit -->\n\n' + '\n\n'.join(out) + '\n'
    p = ROOT/'README.md'
    if not p.exists() or p.read_text(encoding='utf-8') != text: p.write_text(text, encoding='utf-8')

if __name__ == '__main__':
    sync_version()
    ensure_cell_ids()
    r = subprocess.run([str(Path(sys.executable).parent/'nbdev-export')], cwd=ROOT)
    if r.returncode: sys.exit(r.returncode)
    readme()
