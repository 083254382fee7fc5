// kernel_image.h: the pages of a guest kernel image (an ELF vmlinux) that a
// running guest holds unchanged, for satori-scan's census (no Xen needed).
//
// Which pages: every whole 4 KiB page, by virtual address, of each
// loadable segment (PT_LOAD) that is not writable. Segments, not
// sections, because that is what the kernel maps read-only after boot
// (mark_rodata_ro()): x86's linker script puts .text, .rodata and the
// small read-only tables after it in one R E segment, while the .rodata
// section itself is flagged writable (it holds .data..ro_after_init), so
// a rule on section flags would miss all of it. The writable segments
// (.data, per-CPU data, and .init.*, which is freed after boot) are left
// out. A page is text when it overlaps a section flagged executable
// (SHF_EXECINSTR), or, in an image without section headers, when its
// segment is executable; the rest is read-only data. A running kernel's
// text differs from the image where boot patched it (alternatives, static
// keys, paravirt calls) and everywhere if KASLR relocated it: those pages
// do not match, and the census, which measures what matches, counts them
// as other.
#pragma once

#include <functional>
#include <string>

namespace satori {

// Called once per page: the page's 4 KiB (valid during the call only) and
// whether it is text (else read-only data).
using KernelPageFn = std::function<void(const unsigned char *page, bool text)>;

// Reads the ELF64 (little-endian) image at path and calls fn for each of
// its pages above, in address order. Returns false with *why (a phrase,
// e.g. "not an ELF64 file") if the file cannot be read, is not a
// little-endian ELF64 image, is truncated, or has no read-only loadable
// segment; fn may then have been called for some pages already.
bool ReadKernelImage(const std::string &path, const KernelPageFn &fn,
                     std::string *why);

} // namespace satori
