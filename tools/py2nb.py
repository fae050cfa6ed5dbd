"""Author helper: turn a percent-format script (`# %%` code cells, `# %% [markdown]` cells) into a notebook.

The .ipynb it writes is the source of truth afterwards; the script is scratch. Usage: python tools/py2nb.py SRC.py DST.ipynb
"""
import hashlib, json, re, sys
from pathlib import Path

def py2nb(src: str) -> dict:
    cells = []
    for chunk in re.split(r'^# %%', src, flags=re.M)[1:]:
        head, _, body = chunk.partition('\n')
        md = '[markdown]' in head
        body = body.strip('\n')
        if md: body = '\n'.join(l[2:] if l.startswith('# ') else l.lstrip('#') for l in body.splitlines())
        lines = body.splitlines(keepends=True)
        # stable ids: nbdev writes cell ids into the exported modules, so random ones would churn the package
        cid = hashlib.sha1(f'{len(cells)}:{body}'.encode()).hexdigest()[:8]
        c = dict(cell_type='markdown' if md else 'code', id=cid, metadata={}, source=lines)
        if not md: c.update(execution_count=None, outputs=[])
        cells.append(c)
    return dict(cells=cells, metadata=dict(kernelspec=dict(display_name='python3', language='python', name='python3')),
                nbformat=4, nbformat_minor=5)

if __name__ == '__main__':
    Path(sys.argv[2]).write_text(json.dumps(py2nb(Path(sys.argv[1]).read_text(encoding='utf-8')), indent=1, ensure_ascii=False))
