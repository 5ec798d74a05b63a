// Unit tests of the firmware library's parts that the vectors and sessions do
// not pin down: CRC against a bitwise reference, number parsing, the line
// cap, formatting, PWM/heater arithmetic, the interlock threshold against the
// Beta equation, the uid, firmware-specific device details, and the session
// runner's pattern matcher.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "../looptwin/src/lt/actuation.h"
#include "../looptwin/src/lt/command_parser.h"
#include "../looptwin/src/lt/crc16.h"
#include "../looptwin/src/lt/device.h"
#include "../looptwin/src/lt/line_assembler.h"
#include "../looptwin/src/lt/line_writer.h"
#include "../looptwin/src/lt/lt_config.h"
#include "../looptwin/src/lt/uid.h"
#include "check.h"
#include "sessions.h"

namespace lttest {

namespace {

// Straight from the definition: MSB first, poly 0x1021, init 0xFFFF.
uint16_t crcReference(const std::string& s) {
  uint16_t crc = 0xFFFF;
  for (unsigned char byte : s) {
    crc ^= static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021) : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc;
}

std::string withCrc(const std::string& body) {
  char crc[8];
  std::snprintf(crc, sizeof(crc), "%04X", crcReference(body));
  return body + "*" + crc;
}

class VectorSink : public lt::LineSink {
 public:
  void writeLine(const char* text, uint8_t length) override { lines.emplace_back(text, length - 1); }
  std::vector<std::string> lines;
};

void send(lt::Device& d, const std::string& line, uint32_t nowMs) {
  for (char c : line + "\n") d.receiveByte(static_cast<uint8_t>(c), nowMs);
}

void testCrc(Report& r) {
  Problems p;
  p.expect(lt::crc16("123456789", 9) == 0x29B1, "check value of 123456789 is 29B1");
  p.expect(lt::crc16("", 0) == 0xFFFF, "empty input gives the init value");
  std::mt19937 rng(20240601);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 200, '\0');
    for (char& c : s) c = static_cast<char>(rng() & 0xFF);
    if (lt::crc16(s.data(), s.size()) != crcReference(s)) {
      p.add("differs from the bitwise reference on random input #" + std::to_string(i));
      break;
    }
  }
  // Incremental update equals one pass.
  const std::string s = "TLM,1,2,3";
  uint16_t c = lt::crc16Update(lt::kCrcInit, reinterpret_cast<const uint8_t*>(s.data()), 4);
  c = lt::crc16Update(c, reinterpret_cast<const uint8_t*>(s.data()) + 4, s.size() - 4);
  p.expect(c == crcReference(s), "crc16Update in two parts equals one pass");
  r.record("unit crc16", p.list());
}

void testDecimal(Report& r) {
  Problems p;
  uint32_t v = 7;
  p.expect(lt::parseDecimal("0", 1, v) == 0 && v == 0, "0");
  p.expect(lt::parseDecimal("00042", 5, v) == 0 && v == 42, "leading zeros accepted");
  p.expect(lt::parseDecimal("4294967295", 10, v) == 0 && v == 4294967295UL, "uint32 max");
  p.expect(lt::parseDecimal("4294967296", 10, v) == 2, "uint32 max + 1 is out of range");
  p.expect(lt::parseDecimal("99999999999999999999", 20, v) == 2, "long number is out of range");
  p.expect(lt::parseDecimal("9999999999999x", 14, v) == 1, "overflowing non-number is a syntax problem");
  p.expect(lt::parseDecimal("", 0, v) == 1, "empty is a syntax problem");
  p.expect(lt::parseDecimal("+5", 2, v) == 1, "sign refused");
  p.expect(lt::parseDecimal("-5", 2, v) == 1, "minus refused");
  p.expect(lt::parseDecimal(" 5", 2, v) == 1, "space refused");
  p.expect(lt::parseDecimal("0x10", 4, v) == 1, "hex refused");
  r.record("unit parseDecimal", p.list());
}

void testAssembler(Report& r) {
  Problems p;
  lt::LineAssembler a;
  auto feed = [&](const std::string& bytes, std::vector<std::string>& lines, int& tooLong) {
    for (char c : bytes) {
      switch (a.push(static_cast<uint8_t>(c))) {
        case lt::LineAssembler::kPending:
          break;
        case lt::LineAssembler::kLine:
          lines.emplace_back(a.text(), a.length());
          break;
        case lt::LineAssembler::kTooLong:
          ++tooLong;
          break;
      }
    }
  };
  std::vector<std::string> lines;
  int tooLong = 0;
  feed(std::string(159, 'a') + "\n", lines, tooLong);
  p.expect(lines.size() == 1 && lines[0].size() == 159 && tooLong == 0, "159 bytes + \\n (160) is a line");
  lines.clear();
  feed(std::string(160, 'b') + "\nPING\n", lines, tooLong);
  p.expect(tooLong == 1 && lines.size() == 1 && lines[0] == "PING", "160 bytes + \\n is discarded, next line fine");
  lines.clear();
  tooLong = 0;
  feed(std::string(158, 'c') + "\r\n", lines, tooLong);
  p.expect(lines.size() == 1 && lines[0].size() == 158, "\\r before \\n is dropped and counts toward the cap");
  lines.clear();
  feed(std::string(159, 'c') + "\r\n", lines, tooLong);
  p.expect(lines.empty() && tooLong == 1, "159 bytes + \\r\\n is too long");
  lines.clear();
  tooLong = 0;
  feed("a\rb\n\n", lines, tooLong);
  p.expect(lines.size() == 2 && lines[0] == "a\rb" && lines[1].empty(), "inner \\r kept, empty line delivered");
  lines.clear();
  feed(std::string(100000, 'x') + "\nOK\n", lines, tooLong);
  p.expect(tooLong == 1 && lines.size() == 1 && lines[0] == "OK", "100 kB without newline counted once");
  r.record("unit line assembler", p.list());
}

void testWriter(Report& r) {
  Problems p;
  char buf[96];
  lt::LineWriter w(buf, sizeof(buf));
  w.begin("TLM");
  w.field(static_cast<uint32_t>(4294967295UL));
  w.field(static_cast<uint32_t>(0));
  w.emptyField();
  w.fieldHex(0x1F);
  w.fieldHex(0xAB, 8);
  const uint8_t n = w.finish();
  const std::string want = withCrc("TLM,4294967295,0,,1F,000000AB") + "\n";
  p.expect(std::string(buf, n) == want, "TLM fields: got " + std::string(buf, n));
  // Each side of the 16-bit fast path's edge, and values that end in zeros.
  lt::LineWriter d(buf, sizeof(buf));
  d.begin("D");
  for (uint32_t v : {65535UL, 65536UL, 655360UL, 100000UL, 10UL, 9UL}) d.field(static_cast<uint32_t>(v));
  const uint8_t dn = d.finish();
  const std::string dwant = withCrc("D,65535,65536,655360,100000,10,9") + "\n";
  p.expect(std::string(buf, dn) == dwant, "decimal fields: got " + std::string(buf, dn));
  char tiny[12];
  lt::LineWriter t(tiny, sizeof(tiny));
  t.begin("EVT");
  t.field("HOLD_EXPIRED");
  p.expect(t.finish() == 0, "a line longer than the buffer is refused (length 0)");
  char exact[10];  // "ACK,1" + "*XXXX" = 10, no room for '\n'
  lt::LineWriter e(exact, sizeof(exact));
  e.begin("ACK");
  e.field(static_cast<uint32_t>(1));
  p.expect(e.finish() == 0, "no room for the terminator is refused");
  r.record("unit line writer", p.list());
}

void testActuation(Report& r) {
  Problems p;
  p.expect(lt::dutyToCompare(0) == 0, "duty 0 -> OCR 0 (always low)");
  p.expect(lt::dutyToCompare(255) == lt::kPwmTop, "duty 255 -> OCR = TOP (always high)");
  p.expect(lt::dutyToCompare(128) == 161, "duty 128 -> 160.6 rounds to 161");
  for (int d = 1; d < 256; ++d) {
    const uint16_t prev = lt::dutyToCompare(static_cast<uint8_t>(d - 1));
    const uint16_t cur = lt::dutyToCompare(static_cast<uint8_t>(d));
    const double ideal = d * 320.0 / 255.0;
    if (cur < prev || std::fabs(cur - ideal) > 0.5) {
      p.add("dutyToCompare not monotonic or off by more than half a count at duty " + std::to_string(d));
      break;
    }
  }
  // 25 kHz: phase-correct PWM counts up and down, 2 * TOP clocks per period.
  p.expect(std::fabs(16e6 / (2.0 * lt::kPwmTop) - 25000.0) < 1.0, "Timer1 PWM frequency is 25 kHz");

  for (int duty : {0, 1, 64, 128, 200, 254, 255}) {
    lt::TimeProportioner tp(1000);
    uint32_t onMs = 0;
    for (uint32_t t = 0; t < 10000; ++t) onMs += tp.update(static_cast<uint8_t>(duty), t) ? 1 : 0;
    const double want = 10000.0 * duty / 255.0;
    if (std::fabs(onMs - want) > 10.0 * 0.5 + 1e-9) {
      p.add("heater duty " + std::to_string(duty) + ": on " + std::to_string(onMs) + " ms of 10000, want " +
            std::to_string(want));
    }
  }
  lt::TimeProportioner tp(1000);
  tp.update(255, 0);
  // 128/255 of 1000 ms = 502 ms on at the start of each window.
  p.expect(tp.update(128, 5300) && tp.update(128, 5801) && !tp.update(128, 5802),
           "after a stall the window restarts at now");
  p.expect(!tp.update(0, 5803) && tp.update(255, 5804), "duty changes act at once");
  // Wrap of millis(): windows continue across 2^32.
  lt::TimeProportioner wrap(1000);
  uint32_t on = 0;
  for (uint32_t i = 0; i < 4000; ++i) on += wrap.update(128, 0xFFFFF000UL + i) ? 1 : 0;
  p.expect(on >= 2000 && on <= 2012, "time-proportioning across the millis() wrap: on " + std::to_string(on));
  r.record("unit actuation", p.list());
}

void testThreshold(Report& r) {
  Problems p;
  // Beta equation (docs/design.md 2.3): R = R25 exp(B (1/T - 1/T25)),
  // counts = 4096 R / (R + Rseries).
  auto counts = [](double tempC) {
    const double r = 10000.0 * std::exp(3950.0 * (1.0 / (tempC + 273.15) - 1.0 / 298.15));
    return 4096.0 * r / (r + 10000.0);
  };
  p.expect(std::fabs(counts(25.0) - 2048.0) < 1e-9, "25 C reads 2048 counts");
  p.expect(lt::kOvertempBelowCounts == static_cast<uint16_t>(std::ceil(counts(80.0))),
           "threshold is ceil(counts at 80 C) = " + std::to_string(std::ceil(counts(80.0))));
  p.expect(counts(80.05) < lt::kOvertempBelowCounts - 1 + 1 && counts(79.95) > lt::kOvertempBelowCounts - 1,
           "80.05 C trips, 79.95 C does not");
  p.expect(lt::kAdcShortCounts < lt::kOvertempBelowCounts, "a short trips the interlock");
  p.expect(counts(-40.0) < lt::kAdcOpenCounts, "-40 C is not mistaken for an open probe");
  p.expect(counts(150.0) > lt::kAdcShortCounts, "150 C is not mistaken for a short");
  r.record("unit over-temperature threshold", p.list());
}

void testUid(Report& r) {
  Problems p;
  p.expect(lt::uidFinish(0) != 0 && lt::uidValid(lt::uidFinish(0)), "uid of an empty pool is valid");
  p.expect(!lt::uidValid(0) && !lt::uidValid(0xFFFFFFFFUL), "erased EEPROM values are not uids");
  uint32_t a = lt::uidFinish(lt::uidMix(0, 1)), b = lt::uidFinish(lt::uidMix(0, 2));
  p.expect(a != b, "different entropy gives different uids");
  r.record("unit uid", p.list());
}

// Firmware details the shared sessions leave open on purpose.
void testDeviceDetails(Report& r) {
  Problems p;
  VectorSink sink;
  lt::Device d(sink);
  const lt::DeviceIdentity id = {"host", 0xABCDEFUL, false};
  d.begin(0, lt::ResetCause::kExternal, id);
  p.expect(sink.lines.size() == 2 && sink.lines[0] == withCrc("HELLO,1.0,looptwin-fw,0.1.0,host,00ABCDEF") &&
               sink.lines[1] == withCrc("EVT,BOOT,EXTERNAL"),
           "boot lines with a zero-padded uid");
  sink.lines.clear();
  d.setAdc(2048, 2048, 4095, 0);  // no ambient probe: A2 is not checked
  p.expect(sink.lines.empty() && d.flags() == 0, "absent ambient probe is not range-checked");
  for (uint32_t t = 1; t <= 100; ++t) d.tick(t);
  p.expect(sink.lines.size() == 1 && sink.lines[0] == withCrc("TLM,0,100,2048,2048,,0,0,0,0,0"),
           "absent ambient probe gives an empty adc_amb: " + (sink.lines.empty() ? "" : sink.lines[0]));
  sink.lines.clear();

  // Dedupe window: 16 ids; the 17th id back is applied again.
  send(d, withCrc("PWM,1,fan,10"), 200);
  for (uint16_t i = 2; i <= 17; ++i) send(d, withCrc("PWM," + std::to_string(i) + ",fan,20"), 200);
  send(d, withCrc("PWM,1,fan,10"), 200);
  p.expect(d.duty(lt::Channel::kFan) == 10, "an id older than the window is applied again");
  sink.lines.clear();

  // Refused input is counted, never answered.
  send(d, "PING,5*0000", 300);
  send(d, "PING,5", 300);
  send(d, std::string(200, 'x'), 300);
  send(d, "", 300);
  p.expect(sink.lines.empty(), "bad CRC, no trailer, too long, empty: no answer");
  const lt::DeviceStats& s = d.stats();
  p.expect(s.crcErrors == 1 && s.tooLong == 1 && s.malformed == 2,
           "stats crc=" + std::to_string(s.crcErrors) + " malformed=" + std::to_string(s.malformed) +
               " too_long=" + std::to_string(s.tooLong));
  // Lines whose id cannot be read are answered with id 0.
  send(d, withCrc("PING,x"), 300);
  send(d, withCrc("PING,0"), 300);
  send(d, withCrc("PING,65536"), 300);
  send(d, withCrc("PING"), 300);
  send(d, withCrc("PI*NG,4"), 300);
  const std::vector<std::string> want = {withCrc("NAK,0,syntax"), withCrc("NAK,0,range:id"),
                                         withCrc("NAK,0,range:id"), withCrc("NAK,0,syntax"),
                                         withCrc("NAK,0,syntax")};
  p.expect(sink.lines == want, "unreadable ids are answered with id 0");
  r.record("unit device details", p.list());
}

void testMatcher(Report& r) {
  Problems p;
  const std::string tlm = withCrc("TLM,12,3400,2048,2048,,0,255,0,255,E");
  p.expect(matchPattern("TLM,{u},{u},2048,2048,,0,255,0,255,E*{CRC}", tlm), "placeholders and CRC");
  p.expect(matchPattern("TLM,{*},{3000..3500},{*},{*},{*},{*},{*},{*},{*},{h}*{CRC}", tlm), "range and any");
  p.expect(!matchPattern("TLM,{u},{0..3399},{*},{*},{*},{*},{*},{*},{*},{h}*{CRC}", tlm), "range excludes");
  p.expect(!matchPattern("TLM,12,3400,2048,2048,,0,255,0,255,E*0000", tlm), "literal CRC must match");
  p.expect(!matchPattern("TLM,{u},{u},2048,2048,,0,255,0,255,E*{CRC}", "TLM,12,3400,2048,2048,,0,255,0,255,E*0000"),
           "{CRC} checks the CRC");
  p.expect(!matchPattern("TLM,{u}", "TLM,"), "{u} needs a digit");
  p.expect(fillCrc("PING,1*{CRC}") == withCrc("PING,1"), "fillCrc");
  r.record("unit session pattern matcher", p.list());
}

}  // namespace

void runUnitTests(Report& report) {
  testCrc(report);
  testDecimal(report);
  testAssembler(report);
  testWriter(report);
  testActuation(report);
  testThreshold(report);
  testUid(report);
  testDeviceDetails(report);
  testMatcher(report);
}

}  // namespace lttest
