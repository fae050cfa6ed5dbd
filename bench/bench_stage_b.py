"""Stage-B's own (non-model) time per ticket, with the scripted stand-in model.

Runs the scripted world (tickets with learnable mistakes and noisy labels, 2 epochs, 2 candidates per ticket,
reflection on) and splits the wall time into the time spent inside the generator (the model's share, here a
scripted stand-in, near zero) and everything else: prompt building, parsing, guardrail, selection, reflection
bookkeeping, guidance I/O and artifact writes. The tiny-model share (the loop must add < 5 % to model time) is
measured with the integration run, which the lead adds once the engine lands.
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

def bench() -> list:
    logging.getLogger('inspect_vl.stage_b').setLevel(logging.ERROR)
    run_once(20, 1)                                  # warm imports and caches
    best = min((run_once() for _ in range(3)), key=lambda x: x['total'] - x['model'])
    own_ms = (best['total'] - best['model']) / best['steps'] * 1e3
    return [dict(name='stage-b own time per ticket (scripted model)', value=own_ms, goal='<= 10', unit='ms', ok=own_ms <= 10),
            dict(name='stage-b scripted-model share of wall time', value=best['model'] / best['total'], goal='info', unit='ratio', ok=True)]

if __name__ == '__main__':
    for r in bench(): print(r)
