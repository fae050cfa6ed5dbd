"""Training loop: tokens/s of `inspect_vl.train.Trainer` against transformers' `Trainer` (goal >= 1.0x), and the
padding fraction of length-grouped against random batching (goal: grouped <= half of random).

Throughput: the same tiny Qwen3-VL (full fine-tune, fp32, one torch thread), the same samples (06_dataset summaries of
the synthetic world with the compact prompts) and collator (07_collate), batch 4, AdamW, clipping at 1.0, logging every
10 steps, no evaluation or checkpoints. Each loop trains `STEPS` optimizer steps from a fresh copy of the same
weights; the two take turns in interleaved rounds (ours, theirs; a warm-up round, then `ROUNDS` rounds), each round
gives one tokens/s ratio, and the figure is their median with min–max. Ours runs as shipped (its first-batch health
checks on). Tokens are the non-padding tokens of the batches each loop drew (counted by the collator). Padding: per-sample token lengths of 400
synthetic records (dense captions and summaries mixed, estimated by 06_dataset without rendering), global batches of 8.
"""
import copy, os, sys, tempfile, time, warnings
from pathlib import Path
os.environ.setdefault('HF_HUB_OFFLINE', '1'); os.environ.setdefault('TOKENIZERS_PARALLELISM', 'false')
sys.path.insert(0, str(Path(__file__).resolve().parents[1])); sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import ROUNDS, ratio, row, fmt_spread

STEPS, BATCH, N_SAMPLES = 30, 4, 12
SYNTH = Path(__file__).resolve().parents[1]/'tests_data'/'synth'

class CountingCollator:
    "Wraps a collator; counts the non-padding tokens of every batch it makes."
    def __init__(self, collate, keep=None): self.collate, self.keep, self.tokens = collate, keep, 0
    def __call__(self, samples):
        b = self.collate(samples)
        self.tokens += int(b['attention_mask'].sum())
        return {k: v for k, v in b.items() if k in self.keep} if self.keep else b

def _setup(root):
    import transformers
    transformers.utils.logging.disable_progress_bar(); transformers.utils.logging.set_verbosity_error()
    from inspect_vl.model import make_tiny_qwen3vl, load_model, load_processor
    from inspect_vl.train import tiny_corpus
    from inspect_vl.dataset import DenseCaptionDataset
    from inspect_vl.builder import JSONLinesBuilder
    from inspect_vl.prompts import SUMMARY_TRAIN_MIN_COMPACT, SUMMARY_USER_COMPACT
    d = make_tiny_qwen3vl(root/'tiny', corpus=tiny_corpus())
    proc = load_processor(d)
    b = JSONLinesBuilder(system_prompt_summary=SUMMARY_TRAIN_MIN_COMPACT, user_prompt_summary=SUMMARY_USER_COMPACT)
    ds = DenseCaptionDataset(SYNTH/'train.jsonl', proc, builder=b, summary_ratio=1.0, sample_limit=N_SAMPLES, seed=0)
    return load_model(d), proc, ds

def _ours(model, proc, ds, out):
    from inspect_vl.train_config import config_from_mapping
    from inspect_vl.train import Trainer, Precision
    from inspect_vl.collate import PaddedCollator
    cfg = config_from_mapping({'model': {'model': 'unused'}, 'tuner': {'train_type': 'full', 'freeze_vit': False, 'freeze_aligner': False},
        'custom': {'train_jsonl': 'unused', 'emit_norm': 'norm1000', 'json_format': 'standard'},
        'training': dict(output_dir=str(out), run_name='ours', add_version=False, max_steps=STEPS, per_device_train_batch_size=BATCH,
                         gradient_accumulation_steps=1, learning_rate=1e-3, weight_decay=0.0, lr_scheduler_type='linear', max_grad_norm=1.0,
                         logging_steps=10, gradient_checkpointing=False, bf16=False, seed=0, save_strategy='no', eval_strategy='no')})
    col = CountingCollator(PaddedCollator(proc))
    t = Trainer(cfg, model, proc, ds, col, precision=Precision('no', 'float32'), progress=False)
    t0 = time.perf_counter(); t.train(); dt = time.perf_counter() - t0
    return dt, col.tokens

def _theirs(model, proc, ds, out):
    from transformers import Trainer, TrainingArguments
    from transformers.trainer_callback import PrinterCallback
    from inspect_vl.collate import PaddedCollator
    col = CountingCollator(PaddedCollator(proc), keep=('input_ids', 'attention_mask', 'labels', 'pixel_values', 'image_grid_thw', 'mm_token_type_ids'))
    args = TrainingArguments(output_dir=str(out), max_steps=STEPS, per_device_train_batch_size=BATCH, gradient_accumulation_steps=1,
                             learning_rate=1e-3, weight_decay=0.0, lr_scheduler_type='linear', max_grad_norm=1.0, logging_steps=10,
                             save_strategy='no', eval_strategy='no', report_to=[], use_cpu=True, bf16=False, seed=0, disable_tqdm=True,
                             remove_unused_columns=False, dataloader_num_workers=0, gradient_checkpointing=False)
    t = Trainer(model=model, args=args, train_dataset=ds, data_collator=col)
    t.remove_callback(PrinterCallback)   # it prints every log row to stdout; ours (progress=False) prints nothing either
    t0 = time.perf_counter(); t.train(); dt = time.perf_counter() - t0
    return dt, col.tokens

def bench() -> list:
    import torch
    torch.set_num_threads(1)
    warnings.filterwarnings('ignore')
    root = Path(tempfile.mkdtemp())
    model, proc, ds = _setup(root)
    tps = {'ours': [], 'transformers': []}
    for r in range(1 + ROUNDS):   # round 0 warms up
        for name, fn in (('ours', _ours), ('transformers', _theirs)):
            dt, n = fn(copy.deepcopy(model), proc, ds, root/f'{name}{r}')
            print(f'{"warm-up" if r == 0 else f"round {r}"} {name}: {STEPS} steps in {dt:.2f} s, {n} tokens, {n / dt:.0f} tokens/s', file=sys.stderr)
            if r: tps[name].append(n / dt)
    ratios = ratio(tps['ours'], tps['transformers'])
    # padding: lengths of 400 records (half dense captions, half summaries), global batch 8
    from inspect_vl.synth import plan_scene, scene_record
    from inspect_vl.dataset import DenseCaptionDataset
    from inspect_vl.collate import padding_fraction
    from inspect_vl.train import epoch_batches
    recs = [scene_record(plan_scene(0, i), str(root/f'img{i}.png')) for i in range(400)]
    lengths = DenseCaptionDataset(recs, proc, summary_ratio=0.5, seed=0).estimated_lengths()
    rand = sum(padding_fraction(lengths, epoch_batches(len(lengths), 8, 0, e)) for e in range(3)) / 3
    grouped = sum(padding_fraction(lengths, epoch_batches(len(lengths), 8, 0, e, lengths, group_by_length=True)) for e in range(3)) / 3
    print(f'tokens/s: ours {fmt_spread(tps["ours"])}, transformers Trainer {fmt_spread(tps["transformers"])}, ratio {fmt_spread(ratios)}; '
          f'padding: random {rand:.1%}, length-grouped {grouped:.1%} (lengths {min(lengths)}-{max(lengths)})', file=sys.stderr)
    return [row('train tokens/s vs transformers Trainer (tiny, fp32, bs 4)', ratios, '>= 1.0'),
            dict(name='padding fraction length-grouped / random (bs 8)', value=grouped / rand, goal='<= 0.5', unit='ratio', ok=grouped / rand <= 0.5),
            dict(name='padding fraction random batching', value=rand, goal='info', unit='fraction', ok=True),
            dict(name='padding fraction length-grouped batching', value=grouped, goal='info', unit='fraction', ok=True)]

if __name__ == '__main__':
    for r in bench(): print(r)
