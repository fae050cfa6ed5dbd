"""Stage-A generation: images/s with batching against one image at a time, on the tiny Qwen3-VL.

The engines decode the same 64 images with the same greedy settings (so the same tokens; checked), side by side in
one process, one torch thread. They take turns in interleaved rounds (batch 8, batch 16, batch 1; a warm-up, then
`ROUNDS` rounds); each round gives one ratio, and the figure is the median with min–max. The log prints each engine's
time split (preprocess / prefill / decode / post) per sample, median over the rounds.
64 images make eight batches: a Stage-A run is hundreds of images, so the figure is the steady state, where the next
batch is preprocessed while this one generates, not the start-up of a two-batch run (the first batch always waits
for its preprocessing).

The gate is batch 8 >= 4x; batch 16 is reported beside it, with the time split that says where batch 8 stops. Per image, an engine at batch
size b spends T(b) = C + F/b: C is what every image costs whatever the batch (the vision tower and the prompt's
prefill over its own tokens, its row of every decode step), F what a batch costs once (a forward call's dispatch:
the prefill call and each decode step). Fitted round by round over b = 1, 8, 16 (`_fit_line` on 1/b), then
ratio(b) = (C + F)/(C + F/b), so batch 8 reaches `MARGIN` only if F/C >= (MARGIN − 1)/(1 − MARGIN/8) (7.56 for 4.4x;
6 for 4x). C has a floor the engine cannot go below: the bare model's own forward per image (`_model_floor`: its
prefill timed at batch 1, 8 and 16 over the same batches, and its decode step at 1, 8 and 16 rows, each fitted the
same way). With C at that floor and batch 1 as measured, batch 8 could reach at most T(1)/(C_model + (T(1) − C_model)/8):
below `MARGIN` means no engine on this model and CPU gets 4x with a margin at batch 8 (the only ways up are a slower
batch 1 or a faster model). The log prints all of it and the smallest batch size the fitted C and F give `MARGIN` at.
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

def _ratio_at(x:float, b:int) -> float:
    "Batch b against batch 1 when F/C = x: (C + F)/(C + F/b)."
    return (1 + x) / (1 + x / b)

def _x_needed(target:float, b:int) -> float:
    "The F/C that batch b needs to reach `target`x against batch 1."
    return (target - 1) / (1 - target / b)

def _model_floor(model, engine, convs, sizes=(1, 8, 16), reps:int=5) -> dict:
    "The bare model's per-image cost C_model (ms): prefill forwards over the engine's own batches, and decode steps, each fitted as fixed + per image."
    import torch
    from inspect_vl.generate import _length_key
    order = sorted(range(len(convs)), key=lambda i: _length_key(convs[i]))   # the engine's order: batches of similar prompts
    batches = {b: [engine.encode([convs[i] for i in order[s:s + b]])[0] for s in range(0, len(order), b)] for b in sizes}
    def prefill(b):
        with torch.inference_mode():
            for bt in batches[b]: model(**bt, logits_to_keep=1, use_cache=True)
    pre, step = {b: float('inf') for b in sizes}, {b: float('inf') for b in sizes}
    for b in sizes: prefill(b)
    for _ in range(reps):   # interleaved, minimum per size: a busy moment spoils one repetition, not a size
        for b in sizes:
            pre[b] = min(pre[b], 1e3 * _timed_call(lambda: prefill(b)) / len(order))
            step[b] = min(step[b], _model_step_ms(model, b, reps=8))
    c_pre, f_pre = _fit_line([1 / b for b in sizes], [pre[b] for b in sizes])
    f_step, c_step = _fit_line(list(sizes), [step[b] for b in sizes])
    steps = NEW_TOKENS - 1   # decode steps per batch: nearly every row runs to max_new_tokens
    return dict(prefill=pre, step=step, c_prefill=c_pre, f_prefill=f_pre, c_step=c_step, f_step=f_step, c_model=c_pre + steps * c_step)

def _split(secs:dict, sizes:dict, floor:dict) -> dict:
    "The time model T(b) = C + F/b, fitted per round; what it says about batch 8; returns its figures for the table."
    per = {k: [1e3 * s / N_IMAGES for s in v] for k, v in secs.items()}   # ms per image, per round
    ks = list(per)
    fits = [_fit_line([1 / sizes[k] for k in ks], [per[k][r] for k in ks]) for r in range(len(per[ks[0]]))]
    C, F = [c for c, _ in fits], [f for _, f in fits]
    x = [f / c for c, f in fits]
    resid = max(abs(per[k][r] - (C[r] + F[r] / sizes[k])) / per[k][r] for k in ks for r in range(len(C)))
    t1, cm = per['batch 1'], floor['c_model']
    best8 = [t / (cm + (t - cm) / BATCH) for t in t1]   # C at the model's floor, batch 1 as measured
    xm = statistics.median(x)
    need = next((b for b in range(1, 1025) if _ratio_at(xm, b) >= MARGIN), None)
    print(f'time split, per image at batch size b: T(b) = C + F/b, fitted per round over b = ' + ', '.join(str(sizes[k]) for k in ks)
          + f' (worst misfit {100 * resid:.1f} % of a point): C = {fmt_spread(C)} ms, what every image costs whatever the batch; F = {fmt_spread(F)} ms, '
          f'what a batch costs once; F/C = {fmt_spread(x)}', file=sys.stderr)
    print(f'the model\'s own floor of C: prefill {floor["c_prefill"]:.2f} ms per image (bare forwards per image at batch '
          + ', '.join(f'{b}: {v:.2f}' for b, v in floor['prefill'].items()) + f' ms) + {NEW_TOKENS - 1} decode steps x {floor["c_step"]:.4f} ms per row '
          f'(bare step at ' + ', '.join(f'{b} rows: {v:.3f}' for b, v in floor['step'].items()) + f' ms) = C_model {cm:.2f} ms, '
          f'{100 * cm / statistics.median(C):.0f} % of the fitted C', file=sys.stderr)
    print(f'batch {BATCH}: (C + F)/(C + F/{BATCH}) reaches {MARGIN}x only if F/C >= {_x_needed(MARGIN, BATCH):.2f} (4x: >= {_x_needed(4, BATCH):.2f}); '
          f'measured F/C {xm:.2f}, so the time model gives {_ratio_at(xm, BATCH):.2f}x. With C at the model\'s floor and batch 1 as measured, '
          f'batch {BATCH} could reach at most {fmt_spread(best8)}x; the smallest batch size reaching {MARGIN}x at the measured F/C: {need} '
          f'(time model at 16: {_ratio_at(xm, 16):.2f}x, at 32: {_ratio_at(xm, 32):.2f}x)', file=sys.stderr)
    return dict(C=C, F=F, x=x, best8=best8, need=need, misfit=resid, c_model=round(cm, 3), x_needed=round(_x_needed(MARGIN, BATCH), 2))

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
    need = sum(per['batch 1'].values()) / 4   # ms per image for 4x
    for k in (f'batch {BATCH}', 'batch 16'):
        print(f'{k} reaches {statistics.median(ratios[k]):.2f}x: 4x needs <= {need:.1f} ms per image; it spends {sum(per[k].values()):.1f} '
              f'(prefill {per[k]["prefill"]:.1f}, decode {per[k]["decode"]:.1f}); prefill per image at batch 1 is {per["batch 1"]["prefill"]:.1f} ms, '
              f'so batching shrinks prefill {per["batch 1"]["prefill"] / max(per[k]["prefill"], 1e-9):.1f}x and decode '
              f'{per["batch 1"]["decode"] / max(per[k]["decode"], 1e-9):.1f}x', file=sys.stderr)
    print(f'outputs identical across engines and rounds: {same}; torch threads {torch.get_num_threads()}', file=sys.stderr)
    sp = _split(secs, {k: e.batch_size for k, e in engines.items()}, _model_floor(model, engines['batch 1'], convs))
    extra = {k: sp[k] for k in ('need', 'misfit', 'c_model', 'x_needed')}
    return [row(f'stage-A images/s batch {BATCH} vs 1 (tiny)', ratios[f'batch {BATCH}'], '>= 4', ok=same),
            row('stage-A images/s batch 16 vs 1 (tiny)', ratios['batch 16'], 'info', ok=same),
            row(f'stage-A F/C: per-batch / per-image cost (batch {BATCH} needs >= {sp["x_needed"]} for {MARGIN}x, 6 for 4x)', sp['x'], 'info', **extra),
            row(f'stage-A best batch {BATCH} vs 1 with the per-image cost at the bare model\'s floor', sp['best8'], 'info'),
            dict(name=f'stage-A smallest batch size reaching {MARGIN}x (time model)', value=sp['need'], goal='info', unit='images', ok=True)]

if __name__ == '__main__':
    for r in bench(): print(r)
