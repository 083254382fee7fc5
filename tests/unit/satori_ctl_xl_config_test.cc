// Unit tests of satori-ctl create's reading of a guest's xl configuration
// (userspace/satori-ctl/xl_config.cc): which key gives the memory, xl's
// syntax, KEY=VALUE arguments, and the overhead added to it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "xl_config.h"

namespace {

using satori::ctl::GuestMemory;

GuestMemory Read(const std::string &text,
                 const std::vector<std::string> &overrides = {}) {
  GuestMemory m;
  std::string why;
  EXPECT_TRUE(satori::ctl::ReadGuestMemory(text, overrides, &m, &why)) << why;
  return m;
}

std::string Why(const std::string &text,
                const std::vector<std::string> &overrides = {}) {
  GuestMemory m;
  std::string why;
  EXPECT_FALSE(satori::ctl::ReadGuestMemory(text, overrides, &m, &why)) << text;
  return why;
}

// The lab's guest configuration, as tests/lab/dom0-lib.sh's guest_cfg
// writes it.
const char kLabGuest[] = "name = \"g3\"\n"
                         "type = \"pvh\"\n"
                         "kernel = \"/host/img/vmlinux\"\n"
                         "ramdisk = \"/host/img/guest-initrd.cpio.gz\"\n"
                         "extra = \"console=hvc0 quiet\"\n"
                         "memory = 288\n"
                         "vcpus = 1\n"
                         "cpus = \"3\"\n"
                         "tsc_mode = \"native\"\n"
                         "on_poweroff = \"destroy\"\n"
                         "on_reboot = \"destroy\"\n"
                         "on_crash = \"destroy\"\n"
                         "disk = [ \"phy:/dev/vdc,xvda,w\", "
                         "\"phy:/dev/vde,xvdb,r\" ]\n";

TEST(XlConfig, MemoryIsMaxmemElseMemory) {
  GuestMemory m = Read(kLabGuest);
  EXPECT_EQ(m.mib, 288u);
  EXPECT_EQ(m.key, "memory");
  EXPECT_EQ(m.vcpus, 1u);
  m = Read(std::string(kLabGuest) + "maxmem = 1024\n");
  EXPECT_EQ(m.mib, 1024u);
  EXPECT_EQ(m.key, "maxmem");
  // maxmem before memory in the file: still maxmem.
  m = Read("maxmem = 2048\nmemory = 1024\n");
  EXPECT_EQ(m.mib, 2048u);
  // A maxmem below memory is xl's error; memory is what it would need.
  m = Read("maxmem = 256\nmemory = 1024\n");
  EXPECT_EQ(m.mib, 1024u);
  EXPECT_EQ(m.key, "memory");
  // Neither: xl's default, 32 MiB.
  m = Read("name = \"tiny\"\n");
  EXPECT_EQ(m.mib, 32u);
  EXPECT_EQ(m.key, "");
}

TEST(XlConfig, ReadsXlsSyntax) {
  // Quoted numbers, hex, statements ended by ';', comments everywhere,
  // lists over several lines (with '#' and ']' inside strings), "+=".
  GuestMemory m = Read("# a guest\n"
                       "name='web1'; memory = \"512\" # MiB\n"
                       "disk = [ 'vdev=xvda, target=/a#b',\n"
                       "         # a comment inside\n"
                       "         'vdev=xvdb, target=/c]d' ]\n"
                       "vif += [ 'bridge=br0' ]\n"
                       "maxvcpus=0x4\n"
                       "vcpus = 2\n"
                       "\tmaxmem\t=\t0x400\t\n"
                       "extra = \"console=hvc0 memory=9999\"\n");
  EXPECT_EQ(m.mib, 1024u);
  EXPECT_EQ(m.key, "maxmem");
  EXPECT_EQ(m.vcpus, 4u);
  // The last setting of a key wins, as in xl.
  m = Read("memory = 512\nmemory = 768\n");
  EXPECT_EQ(m.mib, 768u);
  // CRLF files.
  m = Read("memory = 640\r\nvcpus = 3\r\n");
  EXPECT_EQ(m.mib, 640u);
  EXPECT_EQ(m.vcpus, 3u);
}

TEST(XlConfig, KeyValueArgumentsWin) {
  std::vector<std::string> args = {"-p", "memory=2048", "-c", "vcpus=8",
                                   "--vncviewer"};
  std::vector<std::string> kv = satori::ctl::ConfigOverrides(args);
  EXPECT_EQ(kv, (std::vector<std::string>{"memory=2048", "vcpus=8"}));
  GuestMemory m = Read(kLabGuest, kv);
  EXPECT_EQ(m.mib, 2048u);
  EXPECT_EQ(m.vcpus, 8u);
  // A maxmem argument over the file's memory, and the other way round.
  m = Read("memory = 512\n", {"maxmem=4096"});
  EXPECT_EQ(m.mib, 4096u);
  EXPECT_EQ(m.key, "maxmem");
  m = Read("memory = 512\nmaxmem = 1024\n", {"memory=600"});
  EXPECT_EQ(m.mib, 1024u);
  EXPECT_EQ(Why(kLabGuest, {"memory=lots"}),
            "memory (argument memory=lots) is not a number up to 4294967296: "
            "lots");
}

TEST(XlConfig, AKeyWeNeedThatIsNotANumberIsAnError) {
  EXPECT_EQ(Why("memory = \"512M\"\n"),
            "memory (line 1) is not a number up to 4294967296: 512M");
  EXPECT_EQ(Why("name = 'a'\nmaxmem = [ 1 ]\n"),
            "maxmem (line 2) is not a number up to 4294967296: [ 1 ]");
  EXPECT_EQ(Why("vcpus = -1\n"),
            "vcpus (line 1) is not a number up to 4096: -1");
  EXPECT_EQ(Why("memory = 99999999999\n"),
            "memory (line 1) is not a number up to 4294967296: 99999999999");
  // xl would refuse these files: so do we, saying where.
  EXPECT_EQ(Why("name = \"g1\nmemory = 512\n"),
            "line 1: a string without its closing quote");
  EXPECT_EQ(Why("memory = 512\ndisk = [ 'a'\n"),
            "line 2: a list without its closing ]");
  EXPECT_EQ(Why("memory 512\n"), "line 1: expected KEY = VALUE");
  EXPECT_EQ(Why("memory = 512 768\n"),
            "line 1: expected the end of the statement after memory");
  // Keys we do not need may hold anything xl accepts.
  EXPECT_EQ(Read("memory = 64\nkernel = \"/x\"\non_reboot = 'restart'\n").mib,
            64u);
}

// The overhead: libxl's paging pool (1 MiB per vCPU, 8 KiB per MiB) or
// shadow_memory, and 4 MiB for libxl's 2 MiB and its rounding.
TEST(XlConfig, OverheadIsLibxlsReckoning) {
  EXPECT_EQ(satori::ctl::CreateOverheadMib(288, 1, 0), 1u + 3 + 4);
  EXPECT_EQ(satori::ctl::CreateOverheadMib(1024, 2, 0), 2u + 8 + 4);
  EXPECT_EQ(satori::ctl::CreateOverheadMib(1024, 2, 20), 20u + 4);
  GuestMemory m = Read(kLabGuest);
  EXPECT_EQ(m.overhead_mib, satori::ctl::CreateOverheadMib(288, 1, 0));
  m = Read("memory = 4096\nvcpus = 4\nshadow_memory = 64\n");
  EXPECT_EQ(m.shadow_mib, 64u);
  EXPECT_EQ(m.overhead_mib, 68u);
}

} // namespace
