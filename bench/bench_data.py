"""Data pipeline: samples/s of dataset + collator (augmentation on) against the floor of the processor alone.

The pipeline is what training runs per sample: read the record, decode the JPEG, augment it (the packaged
default pipeline of `qwen3vl_base.yaml`: hflip, rotate, scale, colour jitter, expand to a multiple of 32),
choose dense or summary (30 % summaries), build the messages, encode with `processor.apply_chat_template`
(assistant mask -> labels), and collate batches of 4 with token types. The floor is
`processor(text=..., images=...)` on exactly the images and rendered texts the pipeline produced (captured in
an untimed pass), one call per sample, the same unit of work the dataset does: transformers' Qwen3-VL processor
with its PIL image backend (what a pipeline without ours pays; the gated figure), and, for information, the same
processor with our bit-identical fast image path (`FastQwen2VLImageProcessor`, which the pipeline itself uses). The variants
take turns batch by batch (pipeline, processor, fast processor, decode on batch 1, then on batch 2, …); one pass over
all batches is a round, and after a warm-up round `ROUNDS` rounds count. Each round gives one overhead (its pipeline
total over its processor total), and the figure is the median with min–max (robust to a busy machine).

Two settings:
* photo: 1024x768 synthetic inspection photos, pixel budget 1024x1024 (qwen3vl_base.yaml): the regime real
  training runs in. Goal: overhead <= 25 % of the processor's time.
* small: the 256x192 images and 256x256 budget of the notebooks and the tiny CPU demo (info): the processor is
  cheap there, so fixed per-sample costs (decode, augmentation, building, template) weigh much more.

Training runs the pipeline in DataLoader workers (the packaged config has 4), which send each batch to the trainer
through shared memory. For the photo setting a two-worker DataLoader is timed with the collator building
`pixel_values` in shared memory (the default) and without (`shared_memory=False`, one more copy of the pixel batch
per step), epochs alternating, workers kept alive, best epoch of each (info).
"""
import os, statistics, sys, tempfile, time
from pathlib import Path
os.environ.setdefault('HF_HUB_OFFLINE', '1')
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT)); sys.path.insert(0, str(ROOT/'bench'))
from _timing import row, fmt_spread

BATCH, ROUNDS = 4, 7   # more rounds than the default 5: one round is short (16 samples), so one busy moment weighs more
SETTINGS = {'photo': dict(n=16, size=(1024, 768), max_pixels=1024 * 1024), 'small': dict(n=32, size=(256, 192), max_pixels=256 * 256)}

def _augmentation():
    "The packaged default augmentation (custom.augmentation of qwen3vl_base.yaml)."
    import yaml
    return yaml.safe_load((ROOT/'inspect_vl'/'configs'/'qwen3vl_base.yaml').read_text(encoding='utf-8'))['custom']['augmentation']

def _round(fns: dict, n_batches: int) -> dict:
    "One round: each function's total seconds over all batches, the functions taking turns batch by batch."
    tot = {k: 0. for k in fns}
    for b in range(n_batches):
        for k, f in fns.items():
            t0 = time.perf_counter(); f(b); tot[k] += time.perf_counter() - t0
    return tot

def _measure(ckpt, tmp, name, n, size, max_pixels):
    from inspect_vl.model import load_processor
    from inspect_vl.synth import SynthConfig, make_dataset
    from inspect_vl.augment import build_pipeline
    from inspect_vl.dataset import DenseCaptionDataset, load_image
    from inspect_vl.collate import PaddedCollator
    proc = load_processor(ckpt, max_pixels=max_pixels)                          # the pipeline's (fast image path)
    plain = load_processor(ckpt, max_pixels=max_pixels, fast_images=False)     # transformers' PIL backend
    jsonl = make_dataset(tmp/name, n, seed=0, ext='jpg', cfg=SynthConfig(width=size[0], height=size[1]))   # inspection photos are JPEG
    aug = _augmentation()
    make = lambda keep=False: DenseCaptionDataset(jsonl, proc, augmenter=build_pipeline(aug), summary_ratio=0.3, seed=1, keep_messages=keep)
    col = PaddedCollator(proc, token_types=True, include=['default'])
    ref = make(keep=True)
    refs = [ref[i] for i in range(n)]
    texts = [proc.apply_chat_template(s['messages'], tokenize=False) for s in refs]
    images = [[c['image'] for m in s['messages'] if isinstance(m['content'], list) for c in m['content'] if c['type'] == 'image'] for s in refs]
    files = [ref.source.records[s['record_index']]['images'] for s in refs]
    ds = make()
    batches = [list(range(k, min(k + BATCH, n))) for k in range(0, n, BATCH)]
    fns = {'pipeline': lambda b: col([ds[i] for i in batches[b]]),
           'processor': lambda b: [plain(text=[texts[i]], images=images[i], return_tensors='pt') for i in batches[b]],
           'fast processor': lambda b: [proc(text=[texts[i]], images=images[i], return_tensors='pt') for i in batches[b]],
           'decode': lambda b: [[load_image(p) for p in files[i]] for i in batches[b]]}
    _round(fns, len(batches))   # warm-up
    rounds = [_round(fns, len(batches)) for _ in range(ROUNDS)]
    t = {k: [r[k] for r in rounds] for k in fns}   # per fn: seconds per round
    t['n'], t['augmented'] = n, sum(s['augmented'] for s in refs)
    if name == 'photo': t.update(_loaders(make(), proc))
    return t

def _loaders(ds, proc, workers=2, epochs=3):
    "Seconds per epoch (best) of a `workers`-process DataLoader, collating in shared memory and not."
    from torch.utils.data import DataLoader
    from inspect_vl.collate import PaddedCollator
    dls = {f'loader shared={sh}': DataLoader(ds, batch_size=BATCH, num_workers=workers, persistent_workers=True,
                                             collate_fn=PaddedCollator(proc, token_types=True, include=['default'], shared_memory=sh))
           for sh in (True, False)}
    best = {k: float('inf') for k in dls}
    for e in range(epochs + 1):
        for k, dl in dls.items():
            t0 = time.perf_counter(); sum(1 for _ in dl); dt = time.perf_counter() - t0
            if e: best[k] = min(best[k], dt)   # epoch 0 starts the workers
    return best

def bench() -> list:
    import torch, cv2, transformers
    from inspect_vl.model import make_tiny_qwen3vl
    from inspect_vl.synth import text_corpus
    from inspect_vl.prompts import prompt_corpus
    transformers.utils.logging.disable_progress_bar()
    torch.set_num_threads(1); cv2.setNumThreads(1)
    tmp = Path(tempfile.mkdtemp())
    ckpt = make_tiny_qwen3vl(tmp/'tiny', corpus=text_corpus() + prompt_corpus())
    rows = []
    for name, st in SETTINGS.items():
        t = _measure(ckpt, tmp, name, **st)
        n = t['n']
        overs = [p / q - 1 for p, q in zip(t['pipeline'], t['processor'])]
        overs_fast = [p / q - 1 for p, q in zip(t['pipeline'], t['fast processor'])]
        rates = [n / p for p in t['pipeline']]
        for k in ('pipeline', 'processor', 'fast processor', 'decode'): t[k] = statistics.median(t[k])   # medians for the log line
        over, over_fast = statistics.median(overs), statistics.median(overs_fast)
        ms = lambda k: 1e3 * t[k] / n
        print(f'[{name}] {st["size"][0]}x{st["size"][1]}, budget {st["max_pixels"]} px, {t["augmented"]}/{n} augmented: '
              f'dataset+collator {n / t["pipeline"]:.1f} samples/s ({ms("pipeline"):.2f} ms), processor alone {n / t["processor"]:.1f} '
              f'samples/s ({ms("processor"):.2f} ms), with our fast image path {n / t["fast processor"]:.1f} samples/s ({ms("fast processor"):.2f} ms); '
              f'JPEG decode alone {ms("decode"):.2f} ms (medians); overhead {fmt_spread(overs)} (vs the fast-path processor {fmt_spread(overs_fast)})', file=sys.stderr)
        gate = name == 'photo'
        if gate:
            sh, pl = n / t['loader shared=True'], n / t['loader shared=False']
            print(f'[{name}] DataLoader, 2 workers: {sh:.1f} samples/s collating in shared memory, {pl:.1f} without ({sh / pl:.2f}x)', file=sys.stderr)
        rows += [row(f'data [{name}]: dataset+collator overhead vs transformers\' processor alone', overs, '<= 0.25' if gate else 'info'),
                 row(f'data [{name}]: overhead vs the processor with our fast image path', overs_fast, 'info'),
                 row(f'data [{name}]: dataset+collator samples/s', rates, 'info', unit='samples/s')]
        if gate: rows.append(dict(name=f'data [{name}]: 2-worker DataLoader, shared-memory collation / plain', value=sh / pl, goal='info', unit='ratio', ok=True))
    return rows

if __name__ == '__main__':
    for r in bench(): print(r)
