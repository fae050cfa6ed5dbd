"""Augmentation benchmark: one-warp Compose on a 1024×768 RGB image with 20 objects.

Pipeline: 4 affine ops (hflip, rotate, scale, shear; each fires) + expand_to_fit_affine + 2 colour ops
(color_jitter, gamma). Compared side by side, every resampler held to one OpenCV thread:
(a) the same ops resampled one warp at a time (Compose(one_warp=False)): goal ≥ 2.5× slower than ours;
(b) albumentations doing the same geometric ops (HorizontalFlip + 3 Affine with fit_output, PadIfNeeded to a
    multiple of 32, ColorJitter, RandomGamma) with the boxes as bboxes and polygon/line vertices as keypoints:
    goal ≥ 1.5× slower than ours;
(c) ours against ONE affine warp of the same image: with PIL (bilinear), goal ≤ 1.5×; and, reported, against one
    cv2.warpAffine (the resampler we use; the true floor of one resample).
"""
import sys, time, warnings
from pathlib import Path
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inspect_vl.augment import Compose, build_pipeline, demo_scene
from inspect_vl.geometry import invert_affine, rotate_center

CFG = {'ops': [{'name': 'hflip', 'params': {'prob': 1.0}}, {'name': 'rotate', 'params': {'max_deg': 15, 'prob': 1.0}},
               {'name': 'scale', 'params': {'lo': 0.9, 'hi': 1.1, 'prob': 1.0}}, {'name': 'shear', 'params': {'max_deg': 5, 'prob': 1.0}},
               {'name': 'expand_to_fit_affine', 'params': {'multiple': 32, 'max_pixels': 4_000_000}},
               {'name': 'color_jitter', 'params': {'brightness': [0.8, 1.2], 'contrast': [0.8, 1.2], 'saturation': [0.8, 1.2]}},
               {'name': 'gamma', 'params': {'gamma': [0.8, 1.2]}}]}
N = 12

def _per_call(f, n=N, rounds=2):
    "Best of `rounds` of the mean time of f(i) over i in range(n) (after one warm-up call)."
    f(0); best = float('inf')
    for _ in range(rounds):
        t0 = time.perf_counter()
        for i in range(n): f(i)
        best = min(best, (time.perf_counter() - t0) / n)
    return best

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

def bench():
    import cv2
    from PIL import Image
    cv2.setNumThreads(1)
    img, geoms = demo_scene(1024, 768, 20, seed=0)
    aug = build_pipeline(CFG)
    naive = Compose(aug.compose.ops, one_warp=False)
    t_ours = _per_call(lambda i: aug([img], geoms, index=i))
    t_naive = _per_call(lambda i: naive([img], geoms, seed=i))
    t_alb = _per_call(_albumentations(img, geoms))
    m = rotate_center(10, 1024, 768); inv = tuple(invert_affine(m)[:2].reshape(-1)); pil = Image.fromarray(img)
    t_pil = _per_call(lambda i: pil.transform((1024, 768), Image.Transform.AFFINE, inv, Image.Resampling.BILINEAR))
    t_cv2 = _per_call(lambda i: cv2.warpAffine(img, m[:2], (1024, 768), flags=cv2.INTER_LINEAR, borderValue=(128, 128, 128)))
    r = aug([img], geoms, index=0)
    note = (f'ours {t_ours*1e3:.1f} ms (output {r.width}×{r.height}, warps={r.telemetry.warps}), naive {t_naive*1e3:.1f} ms, '
            f'albumentations {t_alb*1e3:.1f} ms, one PIL warp {t_pil*1e3:.1f} ms, one cv2 warp {t_cv2*1e3:.1f} ms (1 thread)')
    print(note, file=sys.stderr)
    return [dict(name='augment (a): one-warp-per-op / Compose', value=t_naive / t_ours, goal='>= 2.5', unit='ratio', ok=t_naive / t_ours >= 2.5, note=note),
            dict(name='augment (b): albumentations / Compose', value=t_alb / t_ours, goal='>= 1.5', unit='ratio', ok=t_alb / t_ours >= 1.5),
            dict(name='augment (c): Compose / one PIL warp', value=t_ours / t_pil, goal='<= 1.5', unit='ratio', ok=t_ours / t_pil <= 1.5),
            dict(name='augment (c): Compose / one cv2 warp (1 thread)', value=t_ours / t_cv2, goal='report', unit='ratio', ok=True)]

if __name__ == '__main__':
    for row in bench(): print(row)
