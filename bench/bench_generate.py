"""Stage-A generation: images/s with batch 8 against one image at a time, on the tiny Qwen3-VL (goal >= 4x).

Both runs decode the same images with the same greedy settings (so the same tokens), side by side in one process;
the two are timed alternately `REPEATS` times and the best run of each counts (one torch thread). Prints the time split (preprocess / prefill / decode / post).
64 images make eight batches: a Stage-A run is hundreds of images, so the figure is the steady state, where the next
batch is preprocessed while this one generates, not the start-up of a two-batch run (the first batch always waits
for its preprocessing).
"""
import os, sys, tempfile, time
from pathlib import Path
os.environ.setdefault('HF_HUB_OFFLINE', '1')
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

N_IMAGES, BATCH, NEW_TOKENS, REPEATS = 64, 8, 32, 3

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
    batched, single = GenerationEngine(model, proc, batch_size=BATCH), GenerationEngine(model, proc, batch_size=1)
    batched.generate(convs[:BATCH], settings); single.generate(convs[:2], settings)  # warm-up
    runs_b, runs_s = [], []
    for _ in range(REPEATS):   # interleaved, so both see the same load from other work on the machine; best of each
        runs_b.append(_timed(batched, convs, settings)); runs_s.append(_timed(single, convs, settings))
    (tb, sb, ob), (ts, ss, os_) = min(runs_b, key=lambda r: r[0]), min(runs_s, key=lambda r: r[0])
    same = [r.raw for r in ob] == [r.raw for r in os_]
    ratio = ts / tb
    print(f'batch {BATCH}: {N_IMAGES / tb:.1f} images/s  ({sb})', file=sys.stderr)
    print(f'batch 1: {N_IMAGES / ts:.1f} images/s  ({ss})', file=sys.stderr)
    print(f'outputs identical: {same}; torch threads {__import__("torch").get_num_threads()}', file=sys.stderr)
    for name, st in ((f'batch {BATCH}', sb), ('batch 1', ss)):
        print(f'time split {name}: ' + ', '.join(f'{k} {100 * v:.0f} %' for k, v in st.split().items()), file=sys.stderr)
    return [dict(name=f'stage-A images/s batch {BATCH} vs 1 (tiny)', value=ratio, goal='>= 4', unit='ratio', ok=ratio >= 4 and same)]

if __name__ == '__main__':
    for r in bench(): print(r)
