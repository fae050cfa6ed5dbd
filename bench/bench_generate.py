"""Stage-A generation: images/s with batch 8 against one image at a time, on the tiny Qwen3-VL (goal >= 4x).

Both engines decode the same 64 images with the same greedy settings (so the same tokens; checked), side by side in
one process, one torch thread. They take turns in interleaved rounds (batch 8, batch 16, batch 1; a warm-up, then
`ROUNDS` rounds); each round gives one ratio, and the figure is the median with min–max. Batch 16 is timed in the
same rounds for information: which batch size the goal needs when the machine is busy. The log prints each engine's
time split (preprocess / prefill / decode / post) per sample, median over the rounds.
64 images make eight batches: a Stage-A run is hundreds of images, so the figure is the steady state, where the next
batch is preprocessed while this one generates, not the start-up of a two-batch run (the first batch always waits
for its preprocessing).
"""
import os, statistics, sys, tempfile, time
from pathlib import Path
os.environ.setdefault('HF_HUB_OFFLINE', '1')
sys.path.insert(0, str(Path(__file__).resolve().parents[1])); sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import ROUNDS, ratio, row, fmt_spread

N_IMAGES, BATCH, NEW_TOKENS = 64, 8, 32
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
    return [row(f'stage-A images/s batch {BATCH} vs 1 (tiny)', ratios[f'batch {BATCH}'], '>= 4', ok=same),
            row('stage-A images/s batch 16 vs 1 (tiny)', ratios['batch 16'], 'info', ok=same)]

if __name__ == '__main__':
    for r in bench(): print(r)
