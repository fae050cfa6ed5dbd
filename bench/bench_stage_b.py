"""Stage-B's own (non-model) time per ticket, with the scripted stand-in model.

Runs the scripted world (tickets with learnable mistakes and noisy labels, 2 epochs, 2 candidates per ticket,
reflection on) and splits the wall time into the time spent inside the generator (the model's share, here a
scripted stand-in, near zero) and everything else: prompt building, parsing, guardrail, selection, reflection
bookkeeping, guidance I/O and artifact writes. The same world is then run with the real `GenerationEngine` on the
tiny Qwen3-VL, where Stage-B's own time must add < 5 % to the model's time. Both figures are repeated runs: a
warm-up, then `ROUNDS` runs (the tiny model built once, a fresh world per run); each run gives one value, and the
figure is the median with min–max.
"""
import logging, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1])); sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import ROUNDS, row, fmt_spread

def run_once(n_tickets=200, epochs=2):
    from inspect_vl.stage_b.runner import load_stage_b_config, StageBRunner
    from inspect_vl.testing import make_scripted_world, scripted_world_generator
    d = Path(tempfile.mkdtemp())
    cfg = load_stage_b_config(make_scripted_world(d, n_tickets=n_tickets, epochs=epochs))
    r = StageBRunner(cfg, scripted_world_generator(), progress=False)
    t0 = time.perf_counter(); r.run(); total = time.perf_counter() - t0
    steps = r.global_step
    return dict(total=total, model=r.model_seconds, steps=steps, calls=r.gen.calls)

def tiny_engine():
    "A GenerationEngine (batch 8) on a fresh tiny Qwen3-VL, one torch thread."
    import torch, transformers
    from inspect_vl.model import make_tiny_qwen3vl, load_model, load_processor
    from inspect_vl.generate import GenerationEngine
    transformers.utils.logging.disable_progress_bar(); torch.set_num_threads(1)
    ckpt = make_tiny_qwen3vl(Path(tempfile.mkdtemp())/'tiny')
    return GenerationEngine(load_model(ckpt), load_processor(ckpt), batch_size=8)

def run_tiny(engine, n_tickets=40, epochs=1, max_new_tokens=32):
    "The scripted world's tickets through the real engine (greedy and sampled decodes), in a fresh world."
    from inspect_vl.stage_b.runner import load_stage_b_config, StageBRunner
    from inspect_vl.testing import make_scripted_world
    d = Path(tempfile.mkdtemp())
    grid = [dict(temperature=0.0, top_p=1.0, max_new_tokens=max_new_tokens, seed=43),
            dict(temperature=0.7, top_p=0.9, max_new_tokens=max_new_tokens, seed=43)]
    cfg = load_stage_b_config(make_scripted_world(d/'world', n_tickets=n_tickets, epochs=epochs,
                                                  sampler=dict(grid=grid, samples_per_decode=1),
                                                  runner=dict(epochs=epochs, per_rank_rollout_batch_size=8, logging_steps=8)))
    r = StageBRunner(cfg, engine, progress=False)
    t0 = time.perf_counter(); r.run(); total = time.perf_counter() - t0
    return dict(total=total, model=r.model_seconds, steps=r.global_step)

def bench() -> list:
    logging.getLogger('inspect_vl.stage_b').setLevel(logging.ERROR)
    run_once(20, 1)                                  # warm imports and caches
    runs = [run_once() for _ in range(ROUNDS)]
    own_ms = [(r['total'] - r['model']) / r['steps'] * 1e3 for r in runs]
    print(f'stage-b scripted: own time per ticket {fmt_spread(own_ms)} ms', file=sys.stderr)
    return [row('stage-b own time per ticket (scripted model)', own_ms, '<= 10', unit='ms'),
            row('stage-b scripted-model share of wall time', [r['model'] / r['total'] for r in runs], 'info')] + _tiny_rows()

def _tiny_rows():
    engine = tiny_engine()
    run_tiny(engine, n_tickets=8)                    # warm-up
    runs = [run_tiny(engine) for _ in range(ROUNDS)]
    added = [(t['total'] - t['model']) / t['model'] for t in runs]
    print(f'stage-b tiny: own / model time {fmt_spread(added)}', file=sys.stderr)
    return [row('stage-b own time / model time (tiny Qwen3-VL)', added, '<= 0.05'),
            row('stage-b tiny-model seconds per ticket', [t['total'] / t['steps'] for t in runs], 'info', unit='s')]

if __name__ == '__main__':
    for r in bench(): print(r)
