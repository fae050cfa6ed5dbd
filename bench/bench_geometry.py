"""Geometry benchmark: transform + clip 100 mixed objects vs one affine warp of a 1024×1024 RGB image, and vs shapely.

The geometry must be noise next to pixels: the ratio against one PIL bilinear affine warp must stay ≤ 0.05.
The four jobs take turns in interleaved rounds (`_timing.interleaved`: a warm-up, then 5 rounds of ~0.1 s bursts),
so a busy moment on the machine hits every side; each figure is the median of the per-round ratios, with min–max. We also report the ratio against one OpenCV `warpAffine` (the resampler augmentation really uses), with OpenCV held
to one thread like the numpy geometry code, and against shapely doing the same job on the same objects
(build shapes from the coordinate lists, apply the matrix, intersect with the frame, read the coordinates back).
"""
import random, statistics, sys
from pathlib import Path
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1])); sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import interleaved, ratio, row, fmt_spread
from inspect_vl.geometry import compose, rotate_center, scale, invert_affine, transform_geometries, TransformStats

W = H = 1024

def mixed_objects(n=100, seed=0):
    "40 boxes, 40 polygons (4–8 vertices), 20 lines (2–6 points), spread over the frame; some will leave it."
    r = random.Random(seed); out = []
    cl = lambda v, hi: min(hi - 1, max(0, v))
    for i in range(n):
        k = i % 5; cx, cy, s = r.uniform(0, W), r.uniform(0, H), r.uniform(10, 120)
        if k < 2: out.append({'bbox_2d': [cl(cx - s, W), cl(cy - s / 2, H), cl(cx + s, W), cl(cy + s / 2, H)], 'desc': 'box'})
        elif k < 4:
            a = sorted(r.uniform(0, 2 * np.pi) for _ in range(r.randint(4, 8)))
            out.append({'poly': [v for t in a for v in (cl(cx + s * np.cos(t), W), cl(cy + s * np.sin(t), H))], 'desc': 'poly'})
        else:
            pts, x, y = [], cx, cy
            for _ in range(r.randint(2, 6)):
                pts += [cl(x, W), cl(y, H)]; x += r.uniform(-150, 150); y += r.uniform(-150, 150)
            out.append({'line': pts, 'desc': 'line'})
    return out

def _shapely_job(objs, m):
    import shapely
    from shapely import affinity
    frame = shapely.box(0, 0, W - 1, H - 1)
    coeffs = [m[0, 0], m[0, 1], m[1, 0], m[1, 1], m[0, 2], m[1, 2]]
    res = []
    for g in objs:
        if 'line' in g: s = shapely.LineString(np.reshape(g['line'], (-1, 2)))
        elif 'poly' in g: s = shapely.Polygon(np.reshape(g['poly'], (-1, 2)))
        else: s = shapely.box(*g['bbox_2d'])
        c = affinity.affine_transform(s, coeffs).intersection(frame)
        res.append(shapely.get_coordinates(c))
    return res

def bench():
    import cv2
    from PIL import Image
    cv2.setNumThreads(1)
    objs = mixed_objects()
    m = compose(rotate_center(15, W, H), scale(1.1, 1.1, W / 2, H / 2))
    st = TransformStats(); transform_geometries(objs, m, W, H, st)
    img = np.random.default_rng(0).integers(0, 256, (H, W, 3), np.uint8); pil = Image.fromarray(img)
    inv = tuple(invert_affine(m)[:2].reshape(-1))
    t = interleaved({'geo': lambda i: transform_geometries(objs, m, W, H),
                     'pil': lambda i: pil.transform((W, H), Image.Transform.AFFINE, inv, Image.Resampling.BILINEAR),
                     'cv2': lambda i: cv2.warpAffine(img, m[:2], (W, H), flags=cv2.INTER_LINEAR, borderValue=(128, 128, 128)),
                     'shp': lambda i: _shapely_job(objs, m)}, min_time=0.1)
    med = {k: statistics.median(v) for k, v in t.items()}
    r_pil, r_cv2, r_shp = ratio(t['geo'], t['pil']), ratio(t['geo'], t['cv2']), ratio(t['geo'], t['shp'])
    note = (f'{st.clipped} of 100 clipped, {st.degenerate} degenerate; medians: geometry {med["geo"]*1e3:.2f} ms, PIL {med["pil"]*1e3:.1f} ms, '
            f'cv2(1 thread) {med["cv2"]*1e3:.1f} ms, shapely {med["shp"]*1e3:.2f} ms; geometry/PIL {fmt_spread(r_pil)}, ours/shapely {fmt_spread(r_shp)}')
    print(note, file=sys.stderr)
    return [row('geometry: 100 objects / one PIL warp 1024²', r_pil, '<= 0.05', note=note),
            row('geometry: 100 objects / one cv2 warp 1024² (1 thread)', r_cv2, 'report'),
            row('geometry: ours / shapely, same objects', r_shp, '<= 1')]

if __name__ == '__main__':
    for r in bench(): print(r)
