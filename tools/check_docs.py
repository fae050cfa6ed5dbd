"""`make docs-check`: load docs/index.html in headless Chromium, screenshot it, check title, links and figures.

Asserts: the page title names the project; the home page links to every notebook's page; no internal link in any
page is broken; every page rendered from a notebook with saved figures shows them. Exit 1 on any failure.
"""
import re, shutil, subprocess, sys, tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse, unquote

ROOT = Path(__file__).resolve().parents[1]
DOCS, NBS = ROOT/'docs', ROOT/'nbs'
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--hide-scrollbars']

class Links(HTMLParser):
    def __init__(self): super().__init__(); self.links, self.imgs, self.title, self._t = [], [], '', False
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'a' and a.get('href'): self.links.append(a['href'])
        if tag == 'img' and a.get('src'): self.imgs.append(a['src'])
        if tag == 'title': self._t = True
    def handle_endtag(self, tag): self._t = self._t and tag != 'title'
    def handle_data(self, d):
        if self._t: self.title += d

def parse(html): p = Links(); p.feed(html); return p

def page_for(nb: Path) -> str:
    "nbdev's page name rule: drop the numeric prefix (`00_geometry.ipynb` -> `geometry.html`)."
    rel = nb.relative_to(NBS)
    return (rel.parent/(re.sub(r'^\d+[a-z]*_', '', rel.stem) + '.html')).as_posix()

def broken_links(page: Path, links):
    bad = []
    for h in links:
        u = urlparse(h)
        if u.scheme or h.startswith('#') or h.startswith('mailto:'): continue
        target = (page.parent/unquote(u.path)).resolve()
        if target.is_dir(): target = target/'index.html'
        if not target.exists(): bad.append(h)
    return bad

def chromium(url, shot):
    exe = shutil.which('chromium') or shutil.which('chromium-browser')
    if not exe: raise SystemExit('chromium is not installed (apt-get install chromium)')
    with tempfile.TemporaryDirectory() as prof:
        args = [exe, *FLAGS, f'--user-data-dir={prof}', '--virtual-time-budget=3000']
        subprocess.run(args + ['--window-size=1280,900', f'--screenshot={shot}', url], capture_output=True, timeout=120)
        return subprocess.run(args + ['--dump-dom', url], capture_output=True, text=True, timeout=120).stdout

def main():
    errors = []
    index = DOCS/'index.html'
    if not index.exists(): raise SystemExit('docs/index.html is missing: run `make docs` first')
    shot = ROOT/'.docs_check'/'index.png'; shot.parent.mkdir(exist_ok=True)
    dom = parse(chromium(index.as_uri(), shot))
    if 'inspect_vl' not in dom.title: errors.append(f'title is {dom.title!r}, expected it to name inspect_vl')
    if not shot.exists() or shot.stat().st_size < 5000: errors.append('no screenshot was taken')
    hrefs = {urlparse(h).path.lstrip('./') for h in dom.links}
    nbs = [p for p in NBS.rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts and p.name != 'index.ipynb']
    for nb in sorted(nbs):
        pg = page_for(nb)
        if pg not in hrefs: errors.append(f'home page has no link to {pg} ({nb.relative_to(ROOT)})')
        if not (DOCS/pg).exists(): errors.append(f'page {pg} was not rendered')
        elif '"image/png"' in nb.read_text(encoding='utf-8') and 'data:image/png' not in (DOCS/pg).read_text(encoding='utf-8') \
             and not parse((DOCS/pg).read_text(encoding='utf-8')).imgs:
            errors.append(f'{pg}: the notebook has saved figures but the page shows none')
    for page in DOCS.rglob('*.html'):
        for h in broken_links(page, parse(page.read_text(encoding='utf-8')).links):
            errors.append(f'{page.relative_to(DOCS)}: broken link {h}')
    for e in errors: print('FAIL', e)
    print(f'docs check: {len(nbs)} notebook pages, screenshot {shot.relative_to(ROOT)}: ' + ('ok' if not errors else f'{len(errors)} problems'))
    sys.exit(1 if errors else 0)

if __name__ == '__main__': main()
