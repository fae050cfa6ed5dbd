"""Serving under load: batching across requests, latency, memory, errors (localhost only, bounded).

Two `inspect-vl serve` processes on 127.0.0.1 serve the tiny random-init Qwen3-VL with the same settings except the
batch size: one batches across requests (`--max-batch-size 8`), the other does not (`--max-batch-size 1`). Eight
concurrent clients (keep-alive HTTP/1.1 connections in this process, each sending one request body encoded once)
send one-photo tickets, a fixed number per turn; the two servers take turns in interleaved rounds (`bench/_timing.py`), and each round gives one
throughput ratio. The clients' own CPU per request is printed: they share the machine with the server. The batching
server then keeps going to 1,000 requests: its resident memory after 1,000 requests must be within 10 % of that
after 100 (no per-request leak). Every answer must be 200. The whole run is bounded: a fixed request count and a
wall-clock deadline.
"""
import asyncio, io, json, os, socket, statistics, subprocess, sys, tempfile, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent)); sys.path.insert(0, str(HERE))
os.environ.setdefault('HF_HUB_OFFLINE', '1')
from _timing import row  # noqa: E402

CLIENTS = 8              # concurrent clients
PER_ROUND = 96           # requests per server per round
ROUNDS = 5               # counted rounds (after a warm-up of one short round)
RSS_AT = (100, 1000)     # requests served by the batching server when its memory is read
DEADLINE_S = 900         # the whole benchmark stops (and fails) after this
MISSION = '挡风板安装检查'
TOKENS = (32, 32)        # summary and verdict generation caps (about a real answer's length); compact prompts, as the demo's tiny model is trained

def _free_port() -> int:
    with socket.socket() as s: s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def _rss_mb(pid:int) -> float:
    for line in Path(f'/proc/{pid}/status').read_text().splitlines():
        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024
    return float('nan')

def _start(ckpt, guidance, batch_size:int, root:Path):
    "A serve process on a free localhost port; returns (process, base url)."
    import httpx
    port, script, log = _free_port(), root/'run_serve.py', open(root/f'serve-{batch_size}.log', 'w')   # the server's output, read if it dies
    script.write_text('from inspect_vl.serve import serve_cli\nserve_cli()\n')
    env = {**os.environ, 'PYTHONPATH': str(HERE.parent), 'OMP_NUM_THREADS': '1', 'HF_HUB_OFFLINE': '1'}
    p = subprocess.Popen([sys.executable, str(script), str(ckpt), '--guidance', str(guidance), '--host', '127.0.0.1', '--port', str(port),
                          '--max-batch-size', str(batch_size), '--max-wait-ms', '20', '--compact-prompts',
                          '--summary-max-new-tokens', str(TOKENS[0]), '--verdict-max-new-tokens', str(TOKENS[1])], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f'http://127.0.0.1:{port}'
    t0 = time.time()
    while time.time() - t0 < 180:
        if p.poll() is not None: raise RuntimeError(f'serve exited with {p.returncode}: ' + (root/f'serve-{batch_size}.log').read_text()[-2000:])
        try:
            if httpx.get(base + '/health', timeout=1).status_code == 200: return p, base
        except httpx.HTTPError: time.sleep(0.2)
    p.kill(); raise RuntimeError('serve did not start within 180 s')

def _body(photo:bytes) -> tuple:
    "The one-photo multipart request, encoded once: `(body, content type)` (every request sends the same bytes)."
    import httpx
    r = httpx.Request('POST', 'http://127.0.0.1/v1/inspect', data={'mission': MISSION}, files=[('images', ('p.jpg', photo, 'image/jpeg'))])
    return r.read(), r.headers['content-type']

async def _exchange(reader, writer, request:bytes) -> int:
    "Send one pre-encoded request on a keep-alive connection and read its whole answer: the status code."
    writer.write(request); await writer.drain()
    status, length = int((await reader.readline()).split()[1]), None
    while (line := await reader.readline()) not in (b'\r\n', b''):
        k, _, v = line.decode('latin-1').partition(':')
        if k.strip().lower() == 'content-length': length = int(v)
    if length is None: raise ValueError('answer without Content-Length')
    await reader.readexactly(length)
    return status

async def _load(base:str, n:int, body:tuple) -> tuple:
    """n requests from CLIENTS concurrent clients: (seconds, latencies, errors, the clients' CPU seconds).

    Each client is one keep-alive HTTP/1.1 connection writing the same pre-encoded request bytes and reading the
    answer by its Content-Length: a load generator that costs ~0.2 ms of CPU a request, so that it does not pace
    a server that answers 8 requests at once (a general HTTP client here cost ~2 ms a request, and the 8 answers of a
    batch reached the clients one after another while the model waited for the next batch)."""
    host, port = base.split('//')[1].split(':')
    content, ct = body
    request = (f'POST /v1/inspect HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: {ct}\r\n'
               f'Content-Length: {len(content)}\r\n\r\n').encode('latin-1') + content
    left, lat, errors = [n], [], []
    async def client():
        conn = None
        while left[0] > 0:
            left[0] -= 1
            t = time.perf_counter()
            try:
                conn = conn or await asyncio.open_connection(host, int(port))
                status = await asyncio.wait_for(_exchange(*conn, request), 120)
                if status != 200: errors.append(status)
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError, asyncio.TimeoutError) as e:
                errors.append(type(e).__name__)
                if conn: conn[1].close()
                conn = None   # a fresh connection for the next request
            lat.append(time.perf_counter() - t)
        if conn: conn[1].close()
    t0, c0 = time.perf_counter(), time.process_time()   # this process runs only the clients while it waits
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return time.perf_counter() - t0, lat, errors, time.process_time() - c0

def _split(base:str, requests:int) -> dict:
    "Model milliseconds per request by stage and phase, and the mean batch size per stage, from the server's /metrics."
    import httpx
    ms, sizes = {}, {}
    for line in httpx.get(base + '/metrics', timeout=10).text.splitlines():
        if line.startswith('inspect_model_seconds{'):
            lab = dict(kv.split('=') for kv in line[line.index('{') + 1:line.index('}')].replace('"', '').split(','))
            ms.setdefault(lab['stage'], {})[lab['phase']] = round(1e3 * float(line.split()[-1]) / requests, 2)
        elif line.startswith(('inspect_batch_size_sum{', 'inspect_batch_size_count{')):
            stage = line.split('stage="')[1].split('"')[0]
            sizes.setdefault(stage, []).append(float(line.split()[-1]))
    return dict(ms_per_request={k: v for k, v in ms.items() if v.get('total')},
                mean_batch={k: round(v[1] / v[0], 2) for k, v in sizes.items() if len(v) == 2 and v[0]})

def run(deadline_s:float=DEADLINE_S) -> dict:
    "The measurements: per-round throughputs, latencies, RSS, errors."
    import numpy as np
    from PIL import Image
    from inspect_vl.model import make_tiny_qwen3vl
    from inspect_vl.prompts import STAGE_B_MISSION_FOCUS
    t_end = time.time() + deadline_s
    root = Path(tempfile.mkdtemp(prefix='bench-serve-'))
    ckpt = make_tiny_qwen3vl(root/'tiny')
    guidance = root/'guidance.json'
    guidance.write_text(json.dumps({MISSION: dict(step=1, updated_at='2026-01-01T00:00:00+00:00',
                                                  experiences=dict(G0=STAGE_B_MISSION_FOCUS[MISSION]))}, ensure_ascii=False), encoding='utf-8')
    b = io.BytesIO(); Image.fromarray(np.random.default_rng(0).integers(0, 255, (72, 96, 3), dtype=np.uint8)).save(b, 'JPEG')
    body = _body(b.getvalue())
    procs = {}
    try:
        procs['batched'], procs['single'] = _start(ckpt, guidance, 8, root), _start(ckpt, guidance, 1, root)
        out = dict(thr={'batched': [], 'single': []}, lat={'batched': [], 'single': []}, cpu={'batched': [], 'single': []}, errors=[], served=0)
        for k in procs: asyncio.run(_load(procs[k][1], 16, body))          # warm-up round (not counted)
        out['served'] += 16
        for _ in range(ROUNDS):
            for k in ('batched', 'single'):
                if time.time() > t_end: raise TimeoutError(f'bench_serve: past its {deadline_s} s deadline')
                secs, lat, err, cpu = asyncio.run(_load(procs[k][1], PER_ROUND, body))
                out['thr'][k].append(PER_ROUND / secs); out['lat'][k] += lat; out['errors'] += err; out['cpu'][k].append(cpu / PER_ROUND)
                if k == 'batched': out['served'] += PER_ROUND
                if k == 'batched' and out['served'] >= RSS_AT[0] and 'rss_first' not in out: out['rss_first'] = _rss_mb(procs[k][0].pid)
        out['split'] = {k: _split(procs[k][1], 16 + PER_ROUND * ROUNDS) for k in procs}   # warm-up and counted rounds
        p, base = procs['batched']
        if 'rss_first' not in out:
            _, _, err, _ = asyncio.run(_load(base, RSS_AT[0] - out['served'], body)); out['errors'] += err
            out['served'] = RSS_AT[0]; out['rss_first'] = _rss_mb(p.pid)
        while out['served'] < RSS_AT[1]:
            if time.time() > t_end: raise TimeoutError(f'bench_serve: past its {deadline_s} s deadline')
            n = min(200, RSS_AT[1] - out['served'])
            _, _, err, _ = asyncio.run(_load(base, n, body)); out['errors'] += err; out['served'] += n
        out['rss_last'] = _rss_mb(p.pid)
        return out
    finally:
        for p, _ in procs.values():
            p.terminate()
            try: p.wait(30)
            except subprocess.TimeoutExpired: p.kill()

def bench() -> list:
    import numpy as np
    m = run()
    ratios = [a / b for a, b in zip(m['thr']['batched'], m['thr']['single'])]
    q = lambda xs, f: float(np.quantile(xs, f)) * 1e3
    lb, ls = m['lat']['batched'], m['lat']['single']
    growth = m['rss_last'] / m['rss_first'] - 1
    print('clients\' CPU per request (this process, 8 connections): ' + ', '.join(f'{k} {1e3 * statistics.median(v):.2f} ms' for k, v in m['cpu'].items())
          + f'; machine load (1-min average) at the end: {os.getloadavg()[0]:.2f}', file=sys.stderr)
    model_ms = {k: sum(ph['total'] for ph in v['ms_per_request'].values()) for k, v in m['split'].items()}
    print(f"model time per request: batched {model_ms['batched']:.1f} ms, single {model_ms['single']:.1f} ms: the model alone "
          f"gives {model_ms['single'] / model_ms['batched']:.2f}x (what the server and clients add per request lowers the served ratio)", file=sys.stderr)
    for k, v in m['split'].items():
        print(f'{k}: mean batch {v["mean_batch"]}; model ms per request: ' +
              '; '.join(f'{st} ' + ', '.join(f'{p} {x}' for p, x in ph.items()) for st, ph in v['ms_per_request'].items()), file=sys.stderr)
    return [row('serve: throughput, batching (8) / batch size 1, 8 clients', ratios, '>= 3', split=m['split']),
            dict(name='serve: requests per second with batching', value=statistics.median(m['thr']['batched']), goal='info', unit='req/s', ok=True),
            dict(name='serve: latency p50 / p99 with batching', value=q(lb, 0.5), goal='info', unit=f'ms (p99 {q(lb, 0.99):.0f})', ok=True),
            dict(name='serve: latency p50 / p99 with batch size 1', value=q(ls, 0.5), goal='info', unit=f'ms (p99 {q(ls, 0.99):.0f})', ok=True),
            dict(name=f'serve: RSS growth from {RSS_AT[0]} to {RSS_AT[1]} requests', value=growth, goal='<= 0.10', unit='ratio',
                 ok=abs(growth) <= 0.10, rss_mb=[m['rss_first'], m['rss_last']]),
            dict(name='serve: error answers under load', value=len(m['errors']), goal='== 0', unit='requests', ok=not m['errors'])]

if __name__ == '__main__':
    for r in bench(): print(r)
