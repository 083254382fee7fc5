// kernel_image.cc: see kernel_image.h.
#include "kernel_image.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace satori {
namespace {

constexpr uint64_t kPageSize = 4096;

// Reads exactly len bytes at off. False on a short read or an error
// (*why says which).
bool ReadAt(int fd, uint64_t off, void *buf, size_t len, std::string *why) {
  auto *p = static_cast<unsigned char *>(buf);
  while (len > 0) {
    ssize_t n = pread(fd, p, len, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *why = std::strerror(errno);
      return false;
    }
    if (n == 0) {
      *why = "truncated ELF file";
      return false;
    }
    p += n;
    off += static_cast<uint64_t>(n);
    len -= static_cast<size_t>(n);
  }
  return true;
}

// [start, end) of x within a file of size bytes, without overflow.
bool Within(uint64_t start, uint64_t len, uint64_t size) {
  return start <= size && len <= size - start;
}

bool Read(int fd, const KernelPageFn &fn, std::string *why) {
  struct stat st;
  if (fstat(fd, &st) != 0) {
    *why = std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    *why = "not a regular file";
    return false;
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  Elf64_Ehdr eh;
  if (size < sizeof eh) {
    *why = "not an ELF file";
    return false;
  }
  if (!ReadAt(fd, 0, &eh, sizeof eh, why))
    return false;
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) {
    *why = "not an ELF file";
    return false;
  }
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    *why = "not a little-endian ELF64 file";
    return false;
  }
  if (eh.e_phnum == 0 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
      !Within(eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr), size)) {
    *why = "bad or truncated ELF program headers";
    return false;
  }
  std::vector<Elf64_Phdr> ph(eh.e_phnum);
  if (!ReadAt(fd, eh.e_phoff, ph.data(), ph.size() * sizeof(Elf64_Phdr), why))
    return false;

  // The executable sections' address ranges (none: no section headers).
  std::vector<std::pair<uint64_t, uint64_t>> exec;
  bool have_sections = false;
  if (eh.e_shnum != 0 && eh.e_shentsize == sizeof(Elf64_Shdr) &&
      Within(eh.e_shoff, uint64_t{eh.e_shnum} * sizeof(Elf64_Shdr), size)) {
    std::vector<Elf64_Shdr> sh(eh.e_shnum);
    if (!ReadAt(fd, eh.e_shoff, sh.data(), sh.size() * sizeof(Elf64_Shdr), why))
      return false;
    have_sections = true;
    for (const Elf64_Shdr &s : sh)
      if ((s.sh_flags & SHF_ALLOC) && (s.sh_flags & SHF_EXECINSTR) &&
          s.sh_size > 0)
        exec.emplace_back(s.sh_addr, s.sh_addr + s.sh_size);
  }

  std::vector<unsigned char> page(kPageSize);
  bool any = false;
  for (const Elf64_Phdr &p : ph) {
    if (p.p_type != PT_LOAD || (p.p_flags & PF_W))
      continue;
    if (!Within(p.p_offset, p.p_filesz, size)) {
      *why = "truncated ELF file (a segment ends past its end)";
      return false;
    }
    any = true;
    // The whole pages of [p_vaddr, p_vaddr + p_filesz), by address.
    uint64_t first = (p.p_vaddr + kPageSize - 1) & ~(kPageSize - 1);
    uint64_t end = p.p_vaddr + p.p_filesz;
    for (uint64_t va = first; va >= p.p_vaddr && va + kPageSize <= end;
         va += kPageSize) {
      if (!ReadAt(fd, p.p_offset + (va - p.p_vaddr), page.data(), kPageSize,
                  why))
        return false;
      bool text = !have_sections && (p.p_flags & PF_X);
      for (const auto &[lo, hi] : exec)
        text = text || (lo < va + kPageSize && va < hi);
      fn(page.data(), text);
    }
  }
  if (!any) {
    *why = "no read-only loadable segment (not a kernel image?)";
    return false;
  }
  return true;
}

} // namespace

bool ReadKernelImage(const std::string &path, const KernelPageFn &fn,
                     std::string *why) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *why = std::strerror(errno);
    return false;
  }
  bool ok = Read(fd, fn, why);
  close(fd);
  return ok;
}

} // namespace satori
