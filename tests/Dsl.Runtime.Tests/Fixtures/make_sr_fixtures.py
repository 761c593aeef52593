#!/usr/bin/env python3
"""Makes the super-resolution fixtures the runtime tests check against, with tools independent
of ours: PIL's bicubic resampling (Keys' kernel, a = -0.5, stretched when shrinking, as MATLAB's
imresize; PIL clips the kernel at the borders where MATLAB mirrors, so the tests compare the
interior) and scikit-image's PSNR and SSIM on BT.601 luma (skimage.color.rgb2ycbcr).

Run with Debian's python3-pil and python3-skimage:
  /usr/bin/python3 tests/Dsl.Runtime.Tests/Fixtures/make_sr_fixtures.py
Writes sr_hr.png (a 96x120 crop of data/photos/astronaut.png), sr_out.png (the crop after a PIL
bicubic x2 round trip, with noise: an imperfect "super-resolved" image), bicubic_x{2,3,4}.bin
(PIL's float32 reduction of sr_hr.png, [3, H/s, W/s] little-endian) and sr_quality.json."""
import json
import os

import numpy as np
from PIL import Image
from skimage.color import rgb2ycbcr
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))

photo = np.asarray(Image.open(os.path.join(ROOT, "data", "photos", "astronaut.png")).convert("RGB"))
hr = photo[40:136, 180:300]  # 96 x 120: divisible by 2, 3 and 4
Image.fromarray(hr).save(os.path.join(HERE, "sr_hr.png"))

small = Image.fromarray(hr).resize((60, 48), Image.BICUBIC)
back = np.asarray(small.resize((120, 96), Image.BICUBIC)).astype(np.float64)
noise = np.random.default_rng(0).normal(0, 3, back.shape)
out = np.clip(np.round(back + noise), 0, 255).astype(np.uint8)
Image.fromarray(out).save(os.path.join(HERE, "sr_out.png"))

for scale in (2, 3, 4):
    h, w = hr.shape[0] // scale, hr.shape[1] // scale
    channels = []
    for c in range(3):
        plane = Image.fromarray(hr[:, :, c].astype(np.float32) / 255, mode="F")
        channels.append(np.asarray(plane.resize((w, h), Image.BICUBIC), dtype=np.float32))
    np.stack(channels).astype("<f4").tofile(os.path.join(HERE, f"bicubic_x{scale}.bin"))

quality = {}
for border in (0, 2, 4):
    y_hr = rgb2ycbcr(hr)[:, :, 0]
    y_out = rgb2ycbcr(out)[:, :, 0]
    if border:
        y_hr, y_out = y_hr[border:-border, border:-border], y_out[border:-border, border:-border]
    quality[str(border)] = {
        "psnr": peak_signal_noise_ratio(y_hr, y_out, data_range=255),
        "ssim": structural_similarity(y_hr, y_out, data_range=255, gaussian_weights=True, sigma=1.5,
                                      use_sample_covariance=False),
    }
with open(os.path.join(HERE, "sr_quality.json"), "w") as f:
    json.dump(quality, f, indent=2)
print(json.dumps(quality, indent=2))
