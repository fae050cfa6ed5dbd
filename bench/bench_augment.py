"""Augmentation benchmark: one-warp Compose with 20 objects (boxes, polygons, lines), at 1024×768 and at 2 MP.

Pipeline: 4 affine ops (hflip, rotate, scale, shear; each fires) + expand_to_fit_affine + 2 colour ops
(color_jitter, gamma). Every resampler is held to one OpenCV thread. The contenders take turns in interleaved
rounds (`_timing.interleaved`: a warm-up, then `ROUNDS` rounds of ~0.15 s bursts); each figure is the median of
the per-round ratios, with min–max:
(a) the same ops resampled one warp at a time (Compose(one_warp=False)): goal ≥ 2.5× slower than ours;
(b) albumentations doing the same geometric ops (HorizontalFlip + 3 Affine with fit_output, PadIfNeeded to a
    multiple of 32, ColorJitter, RandomGamma) with the boxes as bboxes and polygon/line vertices as keypoints:
    goal ≥ 1.5× slower than ours;
(c) ours against ONE resample of the same image. The floor of a geometric pipeline is one resample with its own
    resampler, so the gated figure is ours / one cv2.warpAffine with the very map and canvas ours resamples with
    (bilinear, gray fill, 1 thread; the maps are recorded from 64 calls of ours): goal ≤ 1.5 at 2 MP; reported at
    1024×768, where the floor below is already 1.5–1.9 (see SAME_GOAL).
    Also reported: ours / one PIL warp (bilinear, input size; gated ≤ 1.5 at 1024×768), ours / one cv2 warp of a
    10° turn into the same canvas, and that warp against the warp of our map (the cost of a warp depends on the
    map: a mirrored map, and how much of the canvas the content covers, |det| up to 1.21 here).
    The bench's maps are all mirrored (hflip fires), and OpenCV resamples a mirrored map on a slower path than an
    unmirrored one (its IPP kernel takes only the latter), so the pipeline warps such a map unmirrored and flips the
    result (the same bytes): the `own` contender is that resample alone, and own / warp of our map is what it buys.
    What ours must do beyond the resample is measured too, as the same rounds' `floor` contender: the pipeline's
    own resample plus the colour passes it cannot skip (a mean for the contrast pivot, the 3×4 colour matrix of
    color_jitter — saturation mixes channels, so it is no lookup table — and one lookup pass for gamma): floor /
    warp of our map says how close to one resample this pipeline can get with OpenCV passes, and ours / floor what
    ours adds on top (geometry of the 20 objects, op dispatch, draws). The note splits ours into warp / colour /
    geometry / the rest (`split`).
"""
import statistics, sys, time, warnings
from pathlib import Path
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1])); sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved, ratio, row, fmt_spread
from inspect_vl.augment import Compose, build_pipeline
from inspect_vl.testing import demo_scene
from inspect_vl.geometry import invert_affine, rotate_center, translate

CFG = {'ops': [{'name': 'hflip', 'params': {'prob': 1.0}}, {'name': 'rotate', 'params': {'max_deg': 15, 'prob': 1.0}},
               {'name': 'scale', 'params': {'lo': 0.9, 'hi': 1.1, 'prob': 1.0}}, {'name': 'shear', 'params': {'max_deg': 5, 'prob': 1.0}},
               {'name': 'expand_to_fit_affine', 'params': {'multiple': 32, 'max_pixels': 4_000_000}},
               {'name': 'color_jitter', 'params': {'brightness': [0.8, 1.2], 'contrast': [0.8, 1.2], 'saturation': [0.8, 1.2]}},
               {'name': 'gamma', 'params': {'gamma': [0.8, 1.2]}}]}
SIZES = {'1024×768': (1024, 768), '2 MP': (1632, 1224)}
# At 1024×768 the floor row alone (the pipeline's own resample + the colour passes no implementation can skip,
# nothing else) measured 1.29–2.14× the warp of our map on the 2-core development machine, above 1.5 in 4 of 6 runs, so
# '<= 1.5' is out of reach for any implementation made of OpenCV passes: reported, with the floor beside it. At 2 MP
# the floor measured 1.21–1.45 and ours 1.09–1.19× its floor (geometry of the 20 objects ~1 ms and op dispatch ~0.9 ms
# per call in place, where the pixel passes have flushed the caches; ~0.2 and ~0.3 ms when run alone): gated, and it
# held in 4 of 6 runs (1.40–1.56); the way to a margin is that per-call Python cost.
SAME_GOAL = {'1024×768': 'report', '2 MP': '<= 1.5'}
MIN_TIME, ROUNDS = 0.15, 9

def _albumentations(img, geoms):
    import albumentations as A
    boxes = [g['bbox_2d'] for g in geoms if 'bbox_2d' in g]
    kps = [tuple(p) for g in geoms if 'bbox_2d' not in g for p in np.reshape(g.get('poly', g.get('line')), (-1, 2))]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        pipe = A.Compose([A.HorizontalFlip(p=1), A.Affine(rotate=(-15, 15), fit_output=True, p=1), A.Affine(scale=(0.9, 1.1), fit_output=True, p=1),
                          A.Affine(shear=(-5, 5), fit_output=True, p=1),
                          A.PadIfNeeded(min_height=None, min_width=None, pad_height_divisor=32, pad_width_divisor=32, border_mode=0, fill=128, p=1),
                          A.ColorJitter(brightness=0.2, contrast=0.2, saturation=0.2, hue=0, p=1), A.RandomGamma(gamma_limit=(80, 120), p=1)],
                         bbox_params=A.BboxParams(format='pascal_voc', label_fields=['labels']),
                         keypoint_params=A.KeypointParams(format='xy', remove_invisible=False), seed=0)
    labels = list(range(len(boxes)))
    return lambda i: pipe(image=img, bboxes=boxes, labels=labels, keypoints=kps)

def split(aug, img, geoms, n=40) -> dict:
    "Milliseconds per call of ours, split by where the time goes (the resample, the colour passes, the geometry, the rest)."
    import inspect_vl.augment as M, inspect_vl.geometry as G
    spent, depth = {'warp': 0., 'colour': 0., 'geometry': 0.}, [0]
    def timed(key, f):
        def g(*a, **k):   # outermost calls only (the warp calls itself for mirrored maps)
            depth[0] += 1; t0 = time.perf_counter()
            try: return f(*a, **k)
            finally:
                depth[0] -= 1
                if not depth[0]: spent[key] += time.perf_counter() - t0
        return g
    saved = M._warp, M._colour, M.transform_geometries
    M._warp, M._colour, M.transform_geometries = timed('warp', M._warp), timed('colour', M._colour), timed('geometry', M.transform_geometries)
    try:
        aug([img], geoms, index=0)
        for k in spent: spent[k] = 0.
        t0 = time.perf_counter()
        for i in range(n): aug([img], geoms, index=i)
        total = time.perf_counter() - t0
    finally: M._warp, M._colour, M.transform_geometries = saved
    out = {k: 1e3 * v / n for k, v in spent.items()}
    out['rest'] = 1e3 * total / n - sum(out.values()); out['total'] = 1e3 * total / n
    return out

def _measure(label, w, h, full):
    import cv2
    from PIL import Image
    img, geoms = demo_scene(w, h, 20, seed=0)
    aug = build_pipeline(CFG)
    import inspect_vl.augment as M_
    maps, warp, depth = [], M_._warp, [0]
    def spy(im, M, size, interp):   # the pipeline's own map per call (outermost call: a mirrored map calls the warp again)
        if not depth[0]: maps.append((M.copy(), size))
        depth[0] += 1
        try: return warp(im, M, size, interp)
        finally: depth[0] -= 1
    M_._warp = spy
    try: canvases = [(r.width, r.height) for r in (aug([img], geoms, index=i) for i in range(64))]
    finally: M_._warp = warp
    if len(maps) != 64: raise RuntimeError(f'{len(maps)} warps in 64 calls: the bench pipeline should resample exactly once per call')
    m = rotate_center(10, w, h); inv = tuple(invert_affine(m)[:2].reshape(-1)); pil = Image.fromarray(img)
    def cv2_floor(i):
        W, H = canvases[i % 64]
        return cv2.warpAffine(img, (translate((W - w) / 2, (H - h) / 2) @ m)[:2], (W, H), flags=cv2.INTER_LINEAR, borderValue=(128, 128, 128))
    def cv2_same(i):   # one cv2 warp with the very map and canvas ours resamples with: the floor for this pipeline
        M, size = maps[i % 64]
        return cv2.warpAffine(img, M[:2], size, flags=cv2.INTER_LINEAR, borderValue=(128, 128, 128))
    table = np.clip(np.rint(255 * (np.arange(256) / 255) ** 0.9), 0, 255).astype(np.uint8)
    matrix = np.array([[1.0, 0.06, 0.01, 4.], [0.02, 0.95, 0.01, 4.], [0.02, 0.06, 0.95, 4.]], np.float32)   # a jitter draw's 3×4 matrix
    def cv2_lut(i):
        out = cv2_floor(i); return cv2.LUT(out, table, dst=out)
    def own(i):   # the pipeline's own resample of its map (a mirrored map: warped unmirrored, then flipped)
        M, size = maps[i % 64]; return warp(img, M, size, cv2.INTER_LINEAR)
    def floor(i):   # that resample plus the colour passes the pipeline cannot skip (mean, colour matrix, one LUT)
        out = own(i); cv2.mean(out); out = cv2.transform(out, matrix); return cv2.LUT(out, table, dst=out)
    fns = {'ours': lambda i: aug([img], geoms, index=i % 64), 'cv2': cv2_floor, 'cv2+lut': cv2_lut, 'same': cv2_same, 'own': own, 'floor': floor,
           'pil': lambda i: pil.transform((w, h), Image.Transform.AFFINE, inv, Image.Resampling.BILINEAR)}
    if full:
        naive = Compose(aug.compose.ops, one_warp=False)
        fns.update(naive=lambda i: naive([img], geoms, seed=i % 64), alb=_albumentations(img, geoms))
    t = interleaved(fns, rounds=ROUNDS, min_time=MIN_TIME)
    sp = split(aug, img, geoms)
    med = {k: 1e3 * statistics.median(v) for k, v in t.items()}
    r = {'cv2': ratio(t['ours'], t['cv2']), 'pil': ratio(t['ours'], t['pil']), 'bound': ratio(t['cv2+lut'], t['cv2']),
         'same': ratio(t['ours'], t['same']), 'map': ratio(t['same'], t['cv2']),
         'own': ratio(t['own'], t['same']), 'floor': ratio(t['floor'], t['same']), 'over': ratio(t['ours'], t['floor'])}
    if full: r.update(naive=ratio(t['naive'], t['ours']), alb=ratio(t['alb'], t['ours']))
    note = (f'[{label}] medians: ours {med["ours"]:.2f} ms (canvas ~{canvases[0][0]}×{canvases[0][1]}, one warp), one cv2 warp {med["cv2"]:.2f} ms, '
            f'one PIL warp {med["pil"]:.1f} ms' + (f', naive {med["naive"]:.1f} ms, albumentations {med["alb"]:.1f} ms' if full else '') +
            f', one cv2 warp of our own map {med["same"]:.2f} ms; ours split: ' + ', '.join(f'{k} {v:.2f}' for k, v in sp.items()) +
            ' ms; Compose / cv2 warp ' + fmt_spread(r['cv2']) + '; Compose / cv2 warp of our map ' + fmt_spread(r['same']) +
            '; cv2 warp of our map / the 10° warp ' + fmt_spread(r['map']) +
            f'; the pipeline\'s own resample (unmirrored warp + flip) {med["own"]:.2f} ms, / cv2 warp of our map ' + fmt_spread(r['own']) +
            f'; floor (own resample + mean + colour matrix + LUT) {med["floor"]:.2f} ms, floor / warp of our map ' + fmt_spread(r['floor']) +
            '; Compose / floor ' + fmt_spread(r['over']) +
            '; (cv2 warp + one LUT pass) / cv2 warp ' + fmt_spread(r['bound']))
    print(note, file=sys.stderr)
    return r, note

def bench():
    import cv2
    cv2.setNumThreads(1)
    rows = []
    for k, (label, (w, h)) in enumerate(SIZES.items()):
        r, note = _measure(label, w, h, full=k == 0)
        if k == 0:
            rows += [row('augment (a): one-warp-per-op / Compose', r['naive'], '>= 2.5', note=note),
                     row('augment (b): albumentations / Compose', r['alb'], '>= 1.5'),
                     row('augment (c): Compose / one PIL warp', r['pil'], '<= 1.5')]
        else: rows.append(row(f'augment (c) [{label}]: Compose / one PIL warp', r['pil'], 'report', note=note))
        rows += [row(f'augment (c) [{label}]: Compose / one cv2 warp (1 thread, same canvas)', r['cv2'], 'report'),
                 row(f'augment (c) [{label}]: Compose / one cv2 warp of the same map (the pipeline\'s own resample)', r['same'], SAME_GOAL[label]),
                 row(f'augment (c) [{label}]: the pipeline\'s own resample (mirrored map: unmirrored warp + flip, same bytes) / cv2 warp of our map', r['own'], 'info'),
                 row(f'augment (c) [{label}]: floor: (own resample + mean + colour matrix + one LUT) / cv2 warp of our map', r['floor'], 'info'),
                 row(f'augment (c) [{label}]: Compose / that floor (what ours adds: geometry, dispatch, draws)', r['over'], 'info'),
                 row(f'augment (c) [{label}]: one cv2 warp of our map / one 10° cv2 warp (same canvas)', r['map'], 'info'),
                 row(f'augment (c) [{label}]: lower bound: (one cv2 warp + one LUT pass) / one cv2 warp', r['bound'], 'info')]
    return rows

if __name__ == '__main__':
    for row_ in bench(): print({k: v for k, v in row_.items() if k != 'note'})
