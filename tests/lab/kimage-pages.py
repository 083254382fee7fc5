#!/usr/bin/env python3
"""kimage-pages.py VMLINUX [OTHER]: the pages a guest's kernel-image walk
registers (guest/linux-satori/satori_kimage.c), read from the ELF file: the
text, [_stext, _etext rounded up to a page), and the read-only data,
[__start_rodata, __end_rodata). Prints

  pages=N fill=N dup=N common=N

fill: those pages whose 4 KiB are one byte repeated (the int3 padding
between functions and sections): equal in every build, so they merge
across builds and within one image. dup: other pages whose content an
earlier page of the same image holds (they merge within one guest).
common: the remaining pages whose content a page of the kernel OTHER holds
(0 without OTHER): what a guest of this build can merge with a guest of
OTHER's besides fill. The file holds the text as built; the kernel patches
some of it at boot (alternatives), which can only make pages differ more.
Exits 1 if a symbol or a page is missing.
"""
import subprocess
import sys

PAGE = 4096
NAMES = ("_stext", "_etext", "__start_rodata", "__end_rodata")


def image_pages(path):
    """The walk's pages of the image at path, as loaded, or None."""
    syms = {}
    for line in subprocess.run(["nm", path], capture_output=True, text=True, check=True).stdout.splitlines():
        f = line.split()
        if len(f) == 3 and f[2] in NAMES:
            syms[f[2]] = int(f[0], 16)
    if any(n not in syms for n in NAMES):
        print("kimage-pages: symbols missing in " + path, file=sys.stderr)
        return None
    segs = []
    for line in subprocess.run(["readelf", "-lW", path], capture_output=True, text=True,
                               check=True).stdout.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            segs.append((int(f[2], 16), int(f[1], 16), int(f[4], 16)))  # vaddr, offset, filesz
    with open(path, "rb") as fh:
        data = fh.read()

    def page(va):
        """The page at va as loaded: past the file's bytes, zeros."""
        for vaddr, off, size in segs:
            if vaddr <= va < vaddr + size:
                got = data[off + va - vaddr:off + min(va + PAGE, vaddr + size) - vaddr]
                return got + bytes(PAGE - len(got))
        return None

    end_text = (syms["_etext"] + PAGE - 1) // PAGE * PAGE
    pages = []
    for start, end in ((syms["_stext"], end_text), (syms["__start_rodata"], syms["__end_rodata"])):
        for va in range(start, end, PAGE):
            p = page(va)
            if p is None:
                print(f"kimage-pages: no page at {va:#x} in {path}", file=sys.stderr)
                return None
            pages.append(p)
    return pages


def main():
    pages = image_pages(sys.argv[1])
    other = image_pages(sys.argv[2]) if len(sys.argv) > 2 else []
    if pages is None or other is None:
        return 1
    others = set(other)
    seen = set()
    fill = dup = common = 0
    for p in pages:
        if p.count(p[0]) == PAGE:
            fill += 1
        elif p in seen:
            dup += 1
        elif p in others:
            common += 1
        seen.add(p)
    print(f"pages={len(pages)} fill={fill} dup={dup} common={common}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
