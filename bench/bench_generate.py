"""Stage-A generation: images/s with batch 8 against one image at a time, on the tiny Qwen3-VL (goal >= 4x).

Both engines decode the same 64 images with the same greedy settings (so the same tokens; checked), side by side in
one process, one torch thread. They take turns in interleaved rounds (batch 8, batch 16, batch 1; a warm-up, then
`ROUNDS` rounds); each round gives one ratio, and the figure is the median with min–max. Batch 16 is timed in the
same rounds for information: which batch size the goal needs when the machine is busy. The log prints each engine's
time split (preprocess / prefill / decode / post) per sample, median over the rounds.
64 images make eight batches: a Stage-A run is hundreds of images, so the figure is the steady state, where the next
batch is preprocessed while this one generates, not the start-up of a two-batch run (the first batch always waits
for its preprocessing).

Where batch 8 stops: the log ends with the time model that bounds it. Per image, a batch pays its prefill (the vision
tower and the prompt: compute that grows with the images, so its per-image floor is batch 16's) and its decode steps;
a decode step costs `fixed + per_row × rows` (fitted over batch 8 and 16; the bare model's decode forward is
timed at 1 and 8 rows too, to show how much of the per-row part is the model's own kernels). From these the log
prints the best ratio batch 8 could reach with decode perfectly amortised, the ratio the time model predicts at each
batch size, and the smallest batch size that reaches `MARGIN` (4x with a margin).
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

def _model_step_ms(model, rows:int, ctx:int=150, reps:int=40) -> float:
    "Milliseconds of the bare model's decode forward (one new token per row over a `ctx`-token cache), min of `reps`."
    import torch
    from transformers import DynamicCache
    from inspect_vl.generate import _CACHE_KW   # transformers' name for the cache argument (it changed across versions)
    c, g = model.config.text_config, torch.Generator().manual_seed(0)
    kv = [tuple(torch.randn(rows, c.num_key_value_heads, ctx, c.head_dim, generator=g) for _ in 'kv') for _ in range(c.num_hidden_layers)]
    ids, pos, mask = torch.full((rows, 1), 5), torch.full((4, rows, 1), ctx), torch.ones(rows, ctx + 1, dtype=torch.long)
    def step():
        with torch.inference_mode(): model(input_ids=ids, attention_mask=mask, position_ids=pos, **{_CACHE_KW: DynamicCache(ddp_cache_data=kv)}, use_cache=True, logits_to_keep=1)
    step()
    return 1e3 * min(_timed_call(step) for _ in range(reps))

def _timed_call(f) -> float:
    t0 = time.perf_counter(); f(); return time.perf_counter() - t0

def _fit_line(xs, ys) -> tuple:
    "Least-squares `(intercept, slope)` of ys over xs."
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    return my - b * mx, b

def _bound(per:dict, runs:dict, sizes:dict, model) -> dict:
    "The time model of batching (see the module doc), printed; returns its figures for the table row."
    steps = NEW_TOKENS - 1   # decode steps per batch: nearly every row runs to max_new_tokens
    step_ms = {k: 1e3 * statistics.median(st.decode_s / (st.batches * steps) for _, st, _ in v) for k, v in runs.items()}
    batched = [k for k in runs if sizes[k] > 1]   # batch 1's steps also wait for the next image's preprocessing (GIL)
    fixed, per_row = _fit_line([sizes[k] for k in batched], [step_ms[k] for k in batched])
    m1, m8 = _model_step_ms(model, 1), _model_step_ms(model, BATCH)
    t1 = sum(per['batch 1'].values())
    floor = min(per[k]['prefill'] for k in per)   # the prefill per image no batch size goes below (compute)
    other = per[f'batch {BATCH}']['preprocess'] + per[f'batch {BATCH}']['postprocess']
    model_at = lambda b: t1 / (other + floor + steps * (fixed / b + per_row))
    one_row = fixed + per_row   # a 1-row step as the batched engines pay it (batch 1's own steps also wait on preprocessing)
    best8 = t1 / (other + floor + steps * one_row / BATCH)
    need = next((b for b in range(1, 257) if model_at(b) >= MARGIN), None)
    print(f'decode step = {fixed:.3f} ms + {per_row:.4f} ms x rows (fit over the batched engines; measured ' + ', '.join(f'{k} {v:.3f}' for k, v in step_ms.items())
          + f'); the bare model alone: {m1:.3f} ms at 1 row, {m8:.3f} at {BATCH} rows ({(m8 - m1) / (BATCH - 1):.4f} ms per extra row)', file=sys.stderr)
    print(f'bound: with prefill per image at its floor ({floor:.2f} ms) and decode perfectly amortised (a step of {BATCH} rows costing '
          f'what a step of 1 row costs, {one_row:.3f} ms), batch {BATCH} could reach at best {best8:.2f}x; with the per-row decode cost above, the time model '
          f'predicts {model_at(BATCH):.2f}x at batch {BATCH} and ' + ', '.join(f'{model_at(b):.2f}x at {b}' for b in (12, 16, 32))
          + f'; the smallest batch size reaching {MARGIN}x: {need}', file=sys.stderr)
    return dict(best_amortised=round(best8, 2), model_ratio=round(model_at(BATCH), 2), batch_for_margin=need,
                step_fixed_ms=round(fixed, 3), step_per_row_ms=round(per_row, 4), model_step_ms={1: round(m1, 3), BATCH: round(m8, 3)})

def bench() -> list:
    import torch
    from inspect_vl.generate import GenerationEngine, DecodeSettings
    torch.set_num_threads(int(os.environ.get('BENCH_TORCH_THREADS', 1)))   # default one: the ratio measures batching, not threads
    model, proc, convs = _setup()
    settings = DecodeSettings(max_new_tokens=NEW_TOKENS)
    engines = {f'batch {BATCH}': GenerationEngine(model, proc, batch_size=BATCH), 'batch 16': GenerationEngine(model, proc, batch_size=16),
               'batch 1': GenerationEngine(model, proc, batch_size=1)}
    for e in engines.values(): e.generate(convs[:e.batch_size + 1], settings)   # warm-up (two batches each)
    runs = {k: [] for k in engines}
    for _ in range(ROUNDS):   # interleaved: every round sees each engine under the same load from other work
        for k, e in engines.items(): runs[k].append(_timed(e, convs, settings))
    secs = {k: [r[0] for r in v] for k, v in runs.items()}
    ref = [r.raw for r in runs['batch 1'][0][2]]
    same = all([r.raw for r in run[2]] == ref for v in runs.values() for run in v)
    ratios = {k: ratio(secs['batch 1'], secs[k]) for k in engines if k != 'batch 1'}
    for k, v in runs.items():
        ms = {p: 1e3 * statistics.median(getattr(st, f'{p}_s') for _, st, _ in v) / N_IMAGES for p in PHASES}
        print(f'{k}: {N_IMAGES / statistics.median(secs[k]):.1f} images/s (median of {ROUNDS} rounds); per image: '
              + ', '.join(f'{p} {x:.2f} ms' for p, x in ms.items()) + f'; last round: {v[-1][1]}', file=sys.stderr)
    for k, r in ratios.items(): print(f'{k} vs 1: {fmt_spread(r)}', file=sys.stderr)
    per = {k: {p: 1e3 * statistics.median(getattr(st, f'{p}_s') for _, st, _ in v) / N_IMAGES for p in PHASES} for k, v in runs.items()}
    need = sum(per['batch 1'].values()) / 4   # ms per image batch 8 must reach for 4x
    for k in (f'batch {BATCH}', 'batch 16'):
        print(f'why {k} reaches {statistics.median(ratios[k]):.2f}x: 4x needs <= {need:.1f} ms per image; it spends {sum(per[k].values()):.1f} '
              f'(prefill {per[k]["prefill"]:.1f}, decode {per[k]["decode"]:.1f}); prefill per image at batch 1 is {per["batch 1"]["prefill"]:.1f} ms, '
              f'so batching shrinks prefill {per["batch 1"]["prefill"] / max(per[k]["prefill"], 1e-9):.1f}x and decode '
              f'{per["batch 1"]["decode"] / max(per[k]["decode"], 1e-9):.1f}x', file=sys.stderr)
    print(f'outputs identical across engines and rounds: {same}; torch threads {torch.get_num_threads()}', file=sys.stderr)
    bound = _bound(per, runs, {k: e.batch_size for k, e in engines.items()}, model)
    return [row(f'stage-A images/s batch {BATCH} vs 1 (tiny)', ratios[f'batch {BATCH}'], '>= 4', ok=same, bound=bound),
            row('stage-A images/s batch 16 vs 1 (tiny)', ratios['batch 16'], 'info', ok=same),
            dict(name=f'stage-A bound: best batch {BATCH} vs 1 with prefill at its floor and decode perfectly amortised',
                 value=bound['best_amortised'], goal='info', unit='ratio', ok=True, batch_for_margin=bound['batch_for_margin'])]

if __name__ == '__main__':
    for r in bench(): print(r)
