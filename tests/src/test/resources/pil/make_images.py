#!/usr/bin/python3
"""Writes the decoder test images and what Pillow makes of them.

Run with Debian 12's python3-pil (Pillow 9.4.0 on libjpeg-turbo 2.1.5 and libpng 1.6.39, the stack of
../../../../../fixtures/README.md) from this folder:  /usr/bin/python3 make_images.py
It needs ./cmyk_jpeg (cc -O2 -o cmyk_jpeg cmyk_jpeg.c -ljpeg) for the YCCK and RGB-stored JPEGs, which Pillow
cannot write, and Debian's icc-profiles-free for the embedded profiles. The expected values are Pillow's
Image.open(f).convert("RGB"), never our decoder's."""
import json, struct, subprocess, zlib
import numpy as np
from PIL import Image, features

W, H = 67, 45   # odd sizes: partial MCUs and chroma blocks at the right and bottom edges
rng = np.random.default_rng(20261201)
y, x = np.mgrid[0:H, 0:W]
photo = np.stack([(x * 255 // (W - 1)), (y * 255 // (H - 1)), ((x + y) * 7) % 256], -1).astype(np.int32)
photo[10:30, 20:40] = [230, 40, 60]          # a saturated patch with sharp edges (chroma upsampling shows there)
photo = np.clip(photo + rng.integers(-12, 13, photo.shape), 0, 255).astype(np.uint8)
grey = photo.mean(-1).astype(np.uint8)
files = {}

def jpeg(name, img, **kw):
    img.save("files/" + name, "JPEG", **kw)
    files[name] = "JPEG"

icc_rgb = open("/usr/share/color/icc/compatibleWithAdobeRGB1998.icc", "rb").read()
icc_grey = open("/usr/share/color/icc/Gray.icc", "rb").read()
jpeg("icc_adobergb_420.jpg", Image.fromarray(photo), quality=90, icc_profile=icc_rgb)
jpeg("icc_adobergb_444_progressive.jpg", Image.fromarray(photo), quality=85, subsampling=0, progressive=True, icc_profile=icc_rgb)
jpeg("icc_grey.jpg", Image.fromarray(grey), quality=90, icc_profile=icc_grey)
jpeg("ycbcr_422.jpg", Image.fromarray(photo), quality=92, subsampling=1)

# CMYK: Pillow's own writer (Adobe marker, no transform) and libjpeg-turbo's YCCK, at 4:4:4 and 2:2 on the first channel
cmyk = np.stack([255 - photo[..., 0], 255 - photo[..., 1], 255 - photo[..., 2], rng.integers(0, 90, (H, W))], -1).astype(np.uint8)
jpeg("cmyk_pillow.jpg", Image.fromarray(cmyk, "CMYK"), quality=90)
for kind, hs, vs in (("ycck", 2, 2), ("ycck", 1, 1)):   # ("cmyk", 1, 1) would be cmyk_pillow.jpg byte for byte
    name = f"{kind}_{hs}x{vs}.jpg"
    with open("files/" + name, "wb") as out:
        subprocess.run(["./cmyk_jpeg", str(W), str(H), kind, "90", str(hs), str(vs)], input=cmyk.tobytes(), stdout=out, check=True)
    files[name] = "JPEG"
with open("files/rgb_adobe_transform0.jpg", "wb") as out:   # 3 channels stored as RGB: no colour conversion at all
    subprocess.run(["./cmyk_jpeg", str(W), str(H), "rgb", "90", "1", "1"], input=photo.tobytes(), stdout=out, check=True)
files["rgb_adobe_transform0.jpg"] = "JPEG"

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

def png(name, width, height, depth, colour, rows, extra=b""):
    """A PNG written chunk by chunk: every bit depth and colour type, which Pillow's writer does not all produce."""
    raw = b"".join(b"\0" + r for r in rows)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0))
            + extra + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    open("files/" + name, "wb").write(data)
    files[name] = "PNG"

def pack_bits(values, depth):
    out = bytearray()
    per = 8 // depth
    for i in range(0, len(values), per):
        b = 0
        for j, v in enumerate(values[i:i + per]):
            b |= int(v) << (8 - depth * (j + 1))
        out.append(b)
    return bytes(out)

wide = (photo.astype(np.uint32) * 257 + rng.integers(0, 257, photo.shape)).astype(">u2")      # low bytes not all zero
png("rgb16.png", W, H, 16, 2, [wide[r].tobytes() for r in range(H)])
alpha16 = (x * 65535 // (W - 1)).astype(">u2")
png("rgba16.png", W, H, 16, 6, [np.concatenate([wide[r], alpha16[r][:, None]], -1).tobytes() for r in range(H)])
png("la8.png", W, H, 8, 4, [np.stack([grey[r], (x[r] * 255 // (W - 1)).astype(np.uint8)], -1).tobytes() for r in range(H)])
png("la16.png", W, H, 16, 4, [np.stack([grey[r].astype(">u2") * 257, alpha16[r]], -1).astype(">u2").tobytes() for r in range(H)])
png("grey16_low.png", W, H, 16, 0, [(grey[r].astype(">u2")).tobytes() for r in range(H)])          # values 0..255: PIL's I keeps them
for depth in (1, 2, 4):
    levels = (grey >> (8 - depth)).astype(np.uint8)
    png(f"grey{depth}.png", W, H, depth, 0, [pack_bits(levels[r], depth) for r in range(H)])
palette = rng.integers(0, 256, (16, 3)).astype(np.uint8)
index = (grey >> 4).astype(np.uint8)
plte = chunk(b"PLTE", palette.tobytes())
png("palette4_trns.png", W, H, 4, 3, [pack_bits(index[r], 4) for r in range(H)], plte + chunk(b"tRNS", bytes(range(0, 256, 16))))
png("rgb8_trns_gamma_iccp.png", W, H, 8, 2, [photo[r].tobytes() for r in range(H)],
    chunk(b"gAMA", struct.pack(">I", 100000)) + chunk(b"tRNS", bytes([0, 230, 0, 40, 0, 60]))
    + chunk(b"iCCP", b"AdobeRGB\0\0" + zlib.compress(icc_rgb)))
png("grey8_trns.png", W, H, 8, 0, [grey[r].tobytes() for r in range(H)], chunk(b"tRNS", bytes([0, grey[0, 0]])))

# GIF with a transparent index, BMP of 1, 4 (Pillow writes P as 8), 8, 24 and 32 bits
gif = Image.fromarray(index, "P")
gif.putpalette(palette.tobytes())
gif.save("files/palette_trns.gif", transparency=3)
files["palette_trns.gif"] = "GIF"
Image.fromarray(grey > 128).save("files/bilevel.bmp"); files["bilevel.bmp"] = "BMP"
bmp8 = Image.fromarray(index, "P"); bmp8.putpalette(palette.tobytes()); bmp8.save("files/palette8.bmp"); files["palette8.bmp"] = "BMP"
Image.fromarray(np.concatenate([photo, (x[..., None] * 3).astype(np.uint8)], -1), "RGBA").save("files/rgba32.bmp"); files["rgba32.bmp"] = "BMP"
Image.fromarray(grey, "L").save("files/grey8.bmp"); files["grey8.bmp"] = "BMP"

# What Pillow makes of each: mode, size, and convert("RGB") as U8 [H, W, 3], in one safetensors file
header, blobs, index_json, offset = {}, [], {}, 0
for name in sorted(files):
    im = Image.open("files/" + name)
    rgb = np.asarray(im.convert("RGB"))
    index_json[name] = {"format": im.format, "pil_mode": im.mode, "width": im.width, "height": im.height,
                        "info": sorted(k for k in im.info if k in ("icc_profile", "adobe", "adobe_transform", "transparency", "gamma"))}
    blob = rgb.tobytes()
    header[name] = {"dtype": "U8", "shape": list(rgb.shape), "data_offsets": [offset, offset + len(blob)]}
    blobs.append(blob)
    offset += len(blob)
header["__metadata__"] = {"made_by": "make_images.py", "pillow": Image.__version__, "libjpeg_turbo": features.version("libjpeg_turbo")}
h = json.dumps(header, separators=(",", ":")).encode()
h += b" " * (-len(h) % 8)
open("expected_rgb.safetensors", "wb").write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
json.dump(index_json, open("index.json", "w"), indent=1, ensure_ascii=False)
print(json.dumps(index_json, indent=0))
