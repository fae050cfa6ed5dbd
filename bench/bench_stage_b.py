"""Stage-B's own (non-model) time per ticket, with the scripted stand-in model.

Runs the scripted world (tickets with learnable mistakes and noisy labels, 2 epochs, 2 candidates per ticket,
reflection on) and splits the wall time into the time spent inside the generator (the model's share, here a
scripted stand-in, near zero) and everything else: prompt building, parsing, guardrail, selection, reflection
bookkeeping, guidance I/O and artifact writes. The same world is then run with the real `GenerationEngine` on the
tiny Qwen3-VL, where Stage-B's own time must add < 5 % to the model's time.
"""
import logging, sys, tempfile, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

def run_once(n_tickets=200, epochs=2):
    from inspect_vl.stage_b.runner import make_scripted_world, load_stage_b_config, StageBRunner, scripted_world_generator
    d = Path(tempfile.mkdtemp())
    cfg = load_stage_b_config(make_scripted_world(d, n_tickets=n_tickets, epochs=epochs))
    r = StageBRunner(cfg, scripted_world_generator(), progress=False)
    t0 = time.perf_counter(); r.run(); total = time.perf_counter() - t0
    steps = r.global_step
    return dict(total=total, model=r.model_seconds, steps=steps, calls=r.gen.calls)

def run_tiny(n_tickets=40, epochs=1, max_new_tokens=32):
    "The scripted world's tickets through the real engine on a fresh tiny Qwen3-VL (greedy and sampled decodes)."
    import torch
    from inspect_vl.model import make_tiny_qwen3vl, load_model, load_processor
    from inspect_vl.generate import GenerationEngine
    from inspect_vl.stage_b.runner import make_scripted_world, load_stage_b_config, StageBRunner
    torch.set_num_threads(1)
    d = Path(tempfile.mkdtemp())
    ckpt = make_tiny_qwen3vl(d/'tiny')
    engine = GenerationEngine(load_model(ckpt), load_processor(ckpt), batch_size=8)
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
    best = min((run_once() for _ in range(3)), key=lambda x: x['total'] - x['model'])
    own_ms = (best['total'] - best['model']) / best['steps'] * 1e3
    return [dict(name='stage-b own time per ticket (scripted model)', value=own_ms, goal='<= 10', unit='ms', ok=own_ms <= 10),
            dict(name='stage-b scripted-model share of wall time', value=best['model'] / best['total'], goal='info', unit='ratio', ok=True)] + _tiny_rows()

def _tiny_rows():
    t = run_tiny()
    added = (t['total'] - t['model']) / t['model']
    return [dict(name='stage-b own time / model time (tiny Qwen3-VL)', value=added, goal='<= 0.05', unit='ratio', ok=added <= 0.05),
            dict(name='stage-b tiny-model seconds per ticket', value=t['total'] / t['steps'], goal='info', unit='s', ok=True)]

if __name__ == '__main__':
    for r in bench(): print(r)
