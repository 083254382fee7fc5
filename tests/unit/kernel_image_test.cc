// Unit tests of satori-scan's reading of a guest kernel image
// (userspace/satori-scan/kernel_image.cc), on small ELF64 files the tests
// write themselves.
#include <gtest/gtest.h>

#include <elf.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "kernel_image.h"

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kBase = 0xffffffff81000000ull;

// One page the image holds, as ReadKernelImage gave it.
struct Page {
  std::vector<unsigned char> bytes;
  bool text;
};

// The byte at offset i of test page n: every page differs.
unsigned char PatternByte(unsigned n, size_t i) {
  return static_cast<unsigned char>(n * 37 + i * 11 + (i >> 8));
}

// A vmlinux in miniature, laid out as x86's: one R E segment with .text
// (2 pages) then .rodata (flagged writable, as the real one, and 1.5
// pages: the half page is no whole page), and one RW segment with .data
// (1 page). Section headers unless sections is false.
std::vector<unsigned char> MiniKernel(bool sections = true) {
  std::vector<unsigned char> f(0x7000, 0);
  for (unsigned n = 0; n < 4; ++n) // text, text, rodata, rodata's half
    for (size_t i = 0; i < kPage; ++i)
      f[0x1000 + n * kPage + i] = PatternByte(n, i);
  for (size_t i = 0; i < kPage; ++i)
    f[0x5000 + i] = PatternByte(9, i); // .data

  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_EXEC;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_ehsize = sizeof eh;
  eh.e_phoff = sizeof eh;
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = 2;
  Elf64_Phdr ph[2]{};
  ph[0].p_type = PT_LOAD;
  ph[0].p_flags = PF_R | PF_X;
  ph[0].p_offset = 0x1000;
  ph[0].p_vaddr = kBase;
  ph[0].p_filesz = ph[0].p_memsz = 0x3800;
  ph[1].p_type = PT_LOAD;
  ph[1].p_flags = PF_R | PF_W;
  ph[1].p_offset = 0x5000;
  ph[1].p_vaddr = kBase + 0x200000;
  ph[1].p_filesz = ph[1].p_memsz = 0x1000;
  std::memcpy(&f[eh.e_phoff], ph, sizeof ph);

  if (sections) {
    const char names[] = "\0.text\0.rodata\0.data\0.shstrtab";
    std::memcpy(&f[0x6000], names, sizeof names);
    Elf64_Shdr sh[5]{};
    sh[1] = {1,
             SHT_PROGBITS,
             SHF_ALLOC | SHF_EXECINSTR,
             kBase,
             0x1000,
             0x2000,
             0,
             0,
             64,
             0};
    sh[2] = {7,
             SHT_PROGBITS,
             SHF_ALLOC | SHF_WRITE,
             kBase + 0x2000,
             0x3000,
             0x1800,
             0,
             0,
             4096,
             0};
    sh[3] = {15,
             SHT_PROGBITS,
             SHF_ALLOC | SHF_WRITE,
             kBase + 0x200000,
             0x5000,
             0x1000,
             0,
             0,
             4096,
             0};
    sh[4] = {21, SHT_STRTAB, 0, 0, 0x6000, sizeof names, 0, 0, 1, 0};
    eh.e_shoff = 0x6100;
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = 5;
    eh.e_shstrndx = 4;
    std::memcpy(&f[eh.e_shoff], sh, sizeof sh);
  }
  std::memcpy(&f[0], &eh, sizeof eh);
  return f;
}

// A file under the test's temporary directory, removed at the end.
class TempFile {
public:
  explicit TempFile(const std::vector<unsigned char> &bytes) {
    std::string t = ::testing::TempDir() + "kernel_image_test.XXXXXX";
    std::vector<char> name(t.begin(), t.end());
    name.push_back('\0');
    int fd = mkstemp(name.data());
    EXPECT_GE(fd, 0);
    if (fd >= 0)
      close(fd);
    path_ = name.data();
    std::ofstream(path_, std::ios::binary)
        .write(reinterpret_cast<const char *>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

bool Read(const std::string &path, std::vector<Page> *pages, std::string *why) {
  pages->clear();
  return satori::ReadKernelImage(
      path,
      [&](const unsigned char *p, bool text) {
        pages->push_back({std::vector<unsigned char>(p, p + kPage), text});
      },
      why);
}

bool IsPattern(const Page &p, unsigned n) {
  for (size_t i = 0; i < kPage; ++i)
    if (p.bytes[i] != PatternByte(n, i))
      return false;
  return true;
}

TEST(KernelImage, WholePagesOfTheReadOnlySegmentTextFirst) {
  TempFile f(MiniKernel());
  std::vector<Page> pages;
  std::string why;
  ASSERT_TRUE(Read(f.path(), &pages, &why)) << why;
  ASSERT_EQ(pages.size(), 3u); // not rodata's half page, not .data
  EXPECT_TRUE(pages[0].text);
  EXPECT_TRUE(pages[1].text);
  EXPECT_FALSE(pages[2].text); // .rodata, though flagged writable
  for (unsigned n = 0; n < 3; ++n)
    EXPECT_TRUE(IsPattern(pages[n], n)) << n;
}

TEST(KernelImage, WithoutSectionsAnExecutableSegmentIsText) {
  TempFile f(MiniKernel(false));
  std::vector<Page> pages;
  std::string why;
  ASSERT_TRUE(Read(f.path(), &pages, &why)) << why;
  ASSERT_EQ(pages.size(), 3u);
  for (const Page &p : pages)
    EXPECT_TRUE(p.text);
}

TEST(KernelImage, BadInputSaysWhy) {
  std::vector<Page> pages;
  std::string why;
  EXPECT_FALSE(Read(::testing::TempDir() + "no-such-vmlinux", &pages, &why));
  EXPECT_EQ(why, std::strerror(ENOENT));

  TempFile text(std::vector<unsigned char>(8192, 'x'));
  EXPECT_FALSE(Read(text.path(), &pages, &why));
  EXPECT_EQ(why, "not an ELF file");
  EXPECT_TRUE(pages.empty());

  TempFile tiny(std::vector<unsigned char>{0x7f, 'E', 'L', 'F'});
  EXPECT_FALSE(Read(tiny.path(), &pages, &why));
  EXPECT_EQ(why, "not an ELF file");

  std::vector<unsigned char> elf32 = MiniKernel();
  elf32[EI_CLASS] = ELFCLASS32;
  TempFile e32(elf32);
  EXPECT_FALSE(Read(e32.path(), &pages, &why));
  EXPECT_EQ(why, "not a little-endian ELF64 file");

  std::vector<unsigned char> cut = MiniKernel();
  cut.resize(0x3000); // the text segment ends past the end
  TempFile truncated(cut);
  EXPECT_FALSE(Read(truncated.path(), &pages, &why));
  EXPECT_NE(why.find("truncated"), std::string::npos) << why;
  EXPECT_TRUE(pages.empty());

  std::vector<unsigned char> rw = MiniKernel();
  Elf64_Phdr ph;
  std::memcpy(&ph, &rw[sizeof(Elf64_Ehdr)], sizeof ph);
  ph.p_flags |= PF_W; // now every segment is writable
  std::memcpy(&rw[sizeof(Elf64_Ehdr)], &ph, sizeof ph);
  TempFile writable(rw);
  EXPECT_FALSE(Read(writable.path(), &pages, &why));
  EXPECT_NE(why.find("no read-only loadable segment"), std::string::npos)
      << why;

  EXPECT_FALSE(Read(::testing::TempDir(), &pages, &why)); // a directory
}

} // namespace
