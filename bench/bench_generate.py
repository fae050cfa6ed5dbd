"""Stage-A generation: images/s with batching against one image at a time, on the tiny Qwen3-VL.

The engines decode the same 64 images with the same greedy settings (so the same tokens; checked), side by side in
one process, one torch thread. They take turns in interleaved rounds (batch 8, batch 16, batch 1; a warm-up, then
`ROUNDS` rounds); each round gives one ratio, and the figure is the median with min–max. The log prints each engine's
time split (preprocess / prefill / decode / post) per sample, median over the rounds.
64 images make eight batches: a Stage-A run is hundreds of images, so the figure is the steady state, where the next
batch is preprocessed while this one generates, not the start-up of a two-batch run (the first batch always waits
for its preprocessing).

Batch 16 is gated (>= 4x); batch 8 is reported, with the split that shows why 4x with a margin (`MARGIN`) is out of
reach there on this CPU. The same rounds also time each engine's model calls alone (`_calls`): `_generate_batch`
over its batches encoded up front, so the very model calls, prefix states and tokens of `generate`, without the
preprocessing and its thread. T_calls(1)/T_calls(8) is what batching 8 images buys those calls, and their prefill /
decode split says where it stops (prefill, the vision tower and the prompt's tokens, is compute that batching barely
amortises). The engine does the same calls and more, T(b) = T_calls(b) + O(b) with O(b) >= 0, so T(1)/T(8) >=
`MARGIN` needs O(1) >= MARGIN × T_calls(8) − T_calls(1): the engine must waste that much per image at batch 1. The
log prints that bound beside the engine's actual O(1) (the same round's difference), and a time model of the engine
(T(b) = C + F/b, fitted per round over b = 1, 8, 16) that gives the smallest batch size reaching `MARGIN`.
"""
import os, statistics, sys, tempfile, time
from pathlib import Path
os.environ.setdefault('HF_HUB_OFFLINE', '1')
sys.path.insert(0, str(Path(__file__).resolve().parents[1])); sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import ROUNDS, ratio, row, fmt_spread

N_IMAGES, BATCH, NEW_TOKENS = 64, 8, 32
MARGIN = 4.4   # 4x with a margin: the median that holds on a busy machine
PHASES = ('preprocess', 'prefill', 'decode', 'postprocess')

def _setup():
    import numpy as np, transformers
    from PIL import Image
    from inspect_vl.model import make_tiny_qwen3vl, load_model, load_processor
    transformers.utils.logging.disable_progress_bar()
    d = make_tiny_qwen3vl(Path(tempfile.mkdtemp())/'tiny')
    rng = np.random.default_rng(0)
    sizes = [(640, 480), (480, 640), (512, 512), (800, 600), (300, 400), (1024, 768), (256, 256), (400, 300)]
    prompt = '请用一行中文总结图片中的目标，按 desc×N 的格式输出，用中文逗号分隔。任务重点：关注BBU设备及挡风板需求与配置符合性。'
    convs = []
    for i in range(N_IMAGES):
        w, h = sizes[i % len(sizes)]
        img = Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8))
        convs.append([{'role': 'system', 'content': '你是图片摘要助手，只输出一行中文。'},
                      {'role': 'user', 'content': [{'type': 'image', 'image': img}, {'type': 'text', 'text': prompt}]}])
    return load_model(d), load_processor(d), convs

def _timed(engine, convs, settings):
    engine.reset_stats(); t0 = time.perf_counter()
    out = engine.generate(convs, settings)
    return time.perf_counter() - t0, engine.stats, out

def _phase_ms(stats:list, phases=PHASES) -> dict:
    "Per phase, ms per image: the median over rounds of `GenerationStats.<phase>_s`."
    return {p: 1e3 * statistics.median(getattr(st, f'{p}_s') for st in stats) / N_IMAGES for p in phases}

def _fit_line(xs, ys) -> tuple:
    "Least-squares `(intercept, slope)` of ys over xs."
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b

def _ratio_at(x:float, b:int) -> float:
    "Batch b against batch 1 when F/C = x: (C + F)/(C + F/b)."
    return (1 + x) / (1 + x / b)

def _x_needed(target:float, b:int) -> float:
    "The F/C that batch b needs to reach `target`x against batch 1."
    return (target - 1) / (1 - target / b)

def _calls(engines:dict, convs:list, settings) -> dict:
    "Per engine, a function running its model calls alone: `_generate_batch` over batches encoded up front (the same batches, prefix states and tokens as `generate`, without preprocessing or its thread)."
    from inspect_vl.generate import _length_key
    def runner(e):
        order = sorted(range(len(convs)), key=lambda i: _length_key(convs[i])) if e.sort_by_length else list(range(len(convs)))   # `generate`'s order
        prepared = [(idx, e._prepare([convs[i] for i in idx], head)) for head, idx in e._chunks(convs, order)]
        def run():   # (seconds, stats, outputs), as `_timed` gives for the whole engine
            e.reset_stats(); out, t0 = [None] * len(convs), time.perf_counter()
            for idx, p in prepared:
                for i, r in zip(idx, e._generate_batch(p, settings, 0)): out[i] = r
            return time.perf_counter() - t0, e.stats, out
        return run
    return {k: runner(e) for k, e in engines.items()}

def _split(secs:dict, sizes:dict, csecs:dict, cphase:dict) -> dict:
    "Why batch 8 stops where it does (see the module doc); returns the figures for the table."
    ms = lambda d: {k: [1e3 * s / N_IMAGES for s in v] for k, v in d.items()}   # ms per image, per round
    per, cper = ms(secs), ms(csecs)
    one, eight = 'batch 1', f'batch {BATCH}'
    tc = {k: statistics.median(v) for k, v in cper.items()}
    c8, c16 = ratio(csecs[one], csecs[eight]), ratio(csecs[one], csecs['batch 16'])
    need_o1 = MARGIN * tc[eight] - tc[one]
    o1 = [e - c for e, c in zip(per[one], cper[one])]   # paired: both timed in the same round
    ks = list(per)
    fits = [_fit_line([1 / sizes[k] for k in ks], [per[k][r] for k in ks]) for r in range(len(per[ks[0]]))]
    x = [f / c for c, f in fits]
    need = next((b for b in range(1, 1025) if _ratio_at(statistics.median(x), b) >= MARGIN), None)
    print('the engine\'s model calls alone (batches encoded up front), ms per image, median of the rounds: ' + '; '.join(
          f'batch {sizes[k]}: {tc[k]:.2f} (prefill {cphase[k]["prefill"]:.2f}, decode {cphase[k]["decode"]:.2f})' for k in sorted(tc, key=sizes.get)) +
          f'; from batch 1 to {BATCH}, prefill per image shrinks {cphase[one]["prefill"] / cphase[eight]["prefill"]:.1f}x (the vision tower and '
          f'the prompt\'s tokens: compute, which batching barely amortises) and decode {cphase[one]["decode"] / cphase[eight]["decode"]:.1f}x', file=sys.stderr)
    print(f'batching buys those calls {fmt_spread(c8)}x at batch {BATCH} and {fmt_spread(c16)}x at 16. The engine runs the same calls plus its '
          f'own work (preprocessing, its thread), so it reaches {MARGIN}x at batch {BATCH} only by spending at least {MARGIN} x {tc[eight]:.2f} - '
          f'{tc[one]:.2f} = {need_o1:.1f} ms per image of its own at batch 1; it spends {fmt_spread(o1)} ms there (the preprocessing thread\'s '
          f'share of the interpreter), which is why its batch {BATCH} lands near 4x: cutting that cost speeds batch 1 up and brings the ratio '
          'down toward the calls\' own', file=sys.stderr)
    print(f'engine time model T(b) = C + F/b, fitted per round over b = ' + ', '.join(str(sizes[k]) for k in ks) + f': F/C = {fmt_spread(x)}; batch '
          f'{BATCH} needs F/C >= {_x_needed(MARGIN, BATCH):.2f} for {MARGIN}x (>= {_x_needed(4, BATCH):.2f} for 4x); the smallest batch size reaching '
          f'{MARGIN}x: {need}', file=sys.stderr)
    return dict(c8=c8, c16=c16, need_o1=round(need_o1, 2), o1=o1, x=x, need=need)

def bench() -> list:
    import torch
    from inspect_vl.generate import GenerationEngine, DecodeSettings
    torch.set_num_threads(int(os.environ.get('BENCH_TORCH_THREADS', 1)))   # default one: the ratio measures batching, not threads
    model, proc, convs = _setup()
    settings = DecodeSettings(max_new_tokens=NEW_TOKENS)
    engines = {f'batch {BATCH}': GenerationEngine(model, proc, batch_size=BATCH), 'batch 16': GenerationEngine(model, proc, batch_size=16),
               'batch 1': GenerationEngine(model, proc, batch_size=1)}
    for e in engines.values(): e.generate(convs[:e.batch_size + 1], settings)   # warm-up (two batches each)
    calls = _calls(engines, convs, settings)
    runs, cruns = {k: [] for k in engines}, {k: [] for k in engines}
    for _ in range(ROUNDS):   # interleaved: every round sees each engine, and its calls alone, under the same load from other work
        for k, e in engines.items(): runs[k].append(_timed(e, convs, settings))
        for k in engines: cruns[k].append(calls[k]())
    secs = {k: [r[0] for r in v] for k, v in runs.items()}
    ref = [r.raw for r in runs['batch 1'][0][2]]
    same = all([r.raw for r in run[2]] == ref for v in (*runs.values(), *cruns.values()) for run in v)
    ratios = {k: ratio(secs['batch 1'], secs[k]) for k in engines if k != 'batch 1'}
    per = {k: _phase_ms([st for _, st, _ in v]) for k, v in runs.items()}
    for k, v in runs.items():
        print(f'{k}: {N_IMAGES / statistics.median(secs[k]):.1f} images/s (median of {ROUNDS} rounds); per image: '
              + ', '.join(f'{p} {x:.2f} ms' for p, x in per[k].items()) + f'; last round: {v[-1][1]}', file=sys.stderr)
    for k, r in ratios.items(): print(f'{k} vs 1: {fmt_spread(r)}', file=sys.stderr)
    need = sum(per['batch 1'].values()) / 4   # ms per image for 4x
    for k in (f'batch {BATCH}', 'batch 16'):
        print(f'{k} reaches {statistics.median(ratios[k]):.2f}x: 4x needs <= {need:.1f} ms per image; it spends {sum(per[k].values()):.1f} '
              f'(prefill {per[k]["prefill"]:.1f}, decode {per[k]["decode"]:.1f}); prefill per image at batch 1 is {per["batch 1"]["prefill"]:.1f} ms, '
              f'so batching shrinks prefill {per["batch 1"]["prefill"] / max(per[k]["prefill"], 1e-9):.1f}x and decode '
              f'{per["batch 1"]["decode"] / max(per[k]["decode"], 1e-9):.1f}x', file=sys.stderr)
    print(f'outputs identical across engines and rounds: {same}; torch threads {torch.get_num_threads()}', file=sys.stderr)
    cphase = {k: _phase_ms([st for _, st, _ in v], ('prefill', 'decode')) for k, v in cruns.items()}
    sp = _split(secs, {k: e.batch_size for k, e in engines.items()}, {k: [t for t, _, _ in v] for k, v in cruns.items()}, cphase)
    return [row('stage-A images/s batch 16 vs 1 (tiny)', ratios['batch 16'], '>= 4', ok=same),
            row(f'stage-A images/s batch {BATCH} vs 1 (tiny; out of reach with a margin, see below)', ratios[f'batch {BATCH}'], 'report', ok=same),
            row(f'stage-A the engine\'s model calls alone (batches encoded up front): batch {BATCH} vs 1, what batching buys them', sp['c8'], 'info'),
            row('stage-A the engine\'s model calls alone: batch 16 vs 1', sp['c16'], 'info'),
            row(f'stage-A engine ms per image at batch 1 beyond its model calls ({sp["need_o1"]} needed for {MARGIN}x at batch {BATCH})', sp['o1'],
                'info', unit='ms', need_o1=sp['need_o1']),
            dict(name=f'stage-A smallest batch size reaching {MARGIN}x (engine time model)', value=sp['need'], goal='info', unit='images', ok=True)]

if __name__ == '__main__':
    for r in bench(): print(r)
