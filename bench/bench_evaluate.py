"""Evaluation benchmark: our COCO box AP (`inspect_vl.evaluate.coco_ap`) vs pycocotools' COCOeval on the same data.

5,000 images × 20 truth boxes in 5 categories; the predictions are the truths jittered (some far enough to miss),
a few dropped and a few invented, scored by emission order. Both sides start from the same in-memory data (ours:
per-image (category, [x, y, w, h]) lists; pycocotools: the truth dict and results list our COCO export writes) and
end with AP, AP50, AP75 and AR@100, which must agree to 1e-6 (asserted). pycocotools does the same work as ours:
area range `all` only and maxDets [100] (its default adds small/medium/large and 1/10 detections, work we do not do).
The two take turns (A, B, A, B, …) for 5 rounds after a warm-up, so a busy moment on the machine hits both; the
figure is the median of the per-round ratios pycocotools / ours (≥ 1 means we are at least as fast), with min–max.
"""
import contextlib, io, json, random, statistics, sys, time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inspect_vl.evaluate import coco_ap, coco_truth, coco_results, desc_category, xywh

N_IMAGES, N_OBJECTS, ROUNDS = 5000, 20, 5
CATS = ['BBU设备', '挡风板', '螺丝、光纤插头', '标签', '光纤']

def make_data(seed=0):
    "Per-image truth and prediction pixel objects (boxes) on 1000×750 images."
    r = random.Random(seed); T, P = [], []
    for _ in range(N_IMAGES):
        t = []
        for _ in range(N_OBJECTS):
            x, y, w, h = r.uniform(0, 900), r.uniform(0, 650), r.uniform(8, 100), r.uniform(8, 100)
            t.append({'desc': f'{r.choice(CATS)}/x', 'bbox_2d': [x, y, x + w, y + h]})
        p = []
        for o in t:
            if r.random() < 0.1: continue                                  # missed
            x1, y1, x2, y2 = o['bbox_2d']; s = r.choice([0.02, 0.05, 0.1, 0.3]) * (x2 - x1)
            dx, dy = r.uniform(-s, s), r.uniform(-s, s)
            d = o['desc'] if r.random() < 0.9 else f'{r.choice(CATS)}/x'      # wrong category now and then
            p.append({'desc': d, 'bbox_2d': [x1 + dx, y1 + dy, x2 + dx, y2 + dy]})
        for _ in range(r.randint(0, 3)):                                    # invented
            x, y = r.uniform(0, 900), r.uniform(0, 650)
            p.append({'desc': f'{r.choice(CATS)}/x', 'bbox_2d': [x, y, x + 40, y + 30]})
        T.append(t); P.append(p)
    return T, P

def ours(tc, pc):
    r = coco_ap(tc, pc)
    return [r['AP'], r['AP50'], r['AP75'], r['AR100']]

def pycoco(gt_dict, results):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    with contextlib.redirect_stdout(io.StringIO()):
        g = COCO(); g.dataset = gt_dict; g.createIndex()
        e = COCOeval(g, g.loadRes(results), 'bbox')
        e.params.areaRng, e.params.areaRngLbl, e.params.maxDets = [[0, 1e5 ** 2]], ['all'], [100]
        e.evaluate(); e.accumulate()
    p, rc = e.eval['precision'][:, :, :, 0, 0], e.eval['recall'][:, :, 0, 0]
    mean = lambda s: float(s[s > -1].mean())
    return [mean(p), mean(p[0]), mean(p[5]), mean(rc)]

def bench():
    T, P = make_data()
    cg = lambda objs: [(desc_category(o['desc']), xywh(o)) for o in objs]
    tc, pc = [cg(t) for t in T], [cg(p) for p in P]
    gt = coco_truth(T, names=CATS)
    res = coco_results(P, CATS)
    fresh = lambda: (json.loads(json.dumps(gt)), [dict(x) for x in res])   # loadRes writes into the results rows
    a, b = ours(tc, pc), pycoco(*fresh())                                       # warm-up, and the equality check
    diff = max(abs(x - y) for x, y in zip(a, b))
    assert diff <= 1e-6, (a, b)
    ratios, t_ours, t_py = [], [], []
    for _ in range(ROUNDS):
        t0 = time.perf_counter(); ours(tc, pc); t1 = time.perf_counter()
        g, rr = fresh(); t2 = time.perf_counter(); pycoco(g, rr); t3 = time.perf_counter()
        t_ours.append(t1 - t0); t_py.append(t3 - t2); ratios.append((t3 - t2) / (t1 - t0))
    med = statistics.median(ratios)
    note = (f'{N_IMAGES} images × {N_OBJECTS} boxes, {sum(map(len, P))} predictions; AP {a[0]:.4f} AP50 {a[1]:.4f} AP75 {a[2]:.4f} '
            f'AR100 {a[3]:.4f}, max |ours − pycocotools| {diff:.1e}; ours median {statistics.median(t_ours):.2f} s, pycocotools median '
            f'{statistics.median(t_py):.2f} s; speed-up median {med:.1f}× (min {min(ratios):.1f}, max {max(ratios):.1f}) over {ROUNDS} interleaved rounds')
    print(note, file=sys.stderr)
    return [dict(name='evaluate: box AP speed-up vs pycocotools (5000 images × 20 boxes, same numbers)', value=med, goal='>= 1',
                 unit='×', ok=med >= 1, note=note),
            dict(name='evaluate: max |AP − pycocotools AP| (AP, AP50, AP75, AR100)', value=diff, goal='<= 1e-6', unit='', ok=diff <= 1e-6)]

if __name__ == '__main__':
    for r in bench(): print(r)
