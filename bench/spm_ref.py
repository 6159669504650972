#!/usr/bin/env python3
"""The SentencePiece C++ library (Debian's python3-sentencepiece) on the corpus TokenizerBench uses, one thread.

Usage, from the repository root: /usr/bin/python3 bench/spm_ref.py [model name]
Prints the time per pass over the corpus (every fixture text repeated to ~2 MB, one encode call per text) and the
time to load a model padded to 250,002 pieces, comparable with TokenizerBench's encodeCorpus and loadXlmrSizedModel.
"""
import json, struct, sys, time, random
import sentencepiece as spm

name = sys.argv[1] if len(sys.argv) > 1 else "unigram_nmt_nfkc"
root = "fixtures/tokenizer/"
texts = [json.loads(l)["text"] for l in open(root + "cases/unigram_nmt_nfkc.jsonl", encoding="utf-8") if l.strip()]
corpus, size = [], 0
while size < 2_000_000:
    for t in texts:
        corpus.append(t)
        size += len(t.encode("utf-8"))
sp = spm.SentencePieceProcessor(model_file=root + "models/" + name + ".model")

def best(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    ts.sort()
    return ts[len(ts) // 2]

enc = lambda: [sp.encode(t) for t in corpus]
enc()
t = best(enc, 7)
print(f"C++ sentencepiece {spm.__version__}: encode corpus ({len(corpus)} texts, {size} bytes): {t*1e3:.1f} ms/pass, {size/t/1e6:.2f} MB/s")

# the same synthetic padding as TokenizerBench.padModel (names differ in the random letter; sizes match)
model = open(root + "models/unigram_nmt_nfkc.model", "rb").read()
have = spm.SentencePieceProcessor(model_proto=model).get_piece_size()
def b36(i):
    s = "0123456789abcdefghijklmnopqrstuvwxyz"; out = ""
    while True:
        out = s[i % 36] + out; i //= 36
        if i == 0: return out
rnd = random.Random(5)
parts = [model]
for i in range(have, 250002):
    text = ("\u2581syn" + b36(i) + chr(ord('a') + rnd.randrange(26))).encode("utf-8")
    piece = b"\x0a" + bytes([len(text)]) + text + b"\x15" + struct.pack("<f", -10 - rnd.random() * 5)
    parts.append(b"\x0a" + bytes([len(piece)]) + piece)
padded = b"".join(parts)
t = best(lambda: spm.SentencePieceProcessor(model_proto=padded), 5)
print(f"C++ sentencepiece: load a {len(padded)}-byte, 250002-piece model: {t*1e3:.1f} ms")
