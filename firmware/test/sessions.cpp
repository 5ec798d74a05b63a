#include "sessions.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "../looptwin/src/lt/crc16.h"
#include "../looptwin/src/lt/device.h"
#include "check.h"
#include "vectors.h"

namespace lttest {

namespace {

struct Output {
  uint32_t tMs;  // simulated time when the device wrote it
  std::string line;
};

class CaptureSink : public lt::LineSink {
 public:
  explicit CaptureSink(const uint32_t& nowMs) : nowMs_(nowMs) {}
  void writeLine(const char* text, uint8_t length) override {
    std::string line(text, length);
    if (line.empty() || line.back() != '\n') {
      problems.push_back("device wrote a line without '\\n': " + escapeBytes(line));
    } else {
      line.pop_back();
    }
    const size_t star = line.rfind('*');
    char crc[8];
    std::snprintf(crc, sizeof(crc), "%04X", star == std::string::npos ? 0 : lt::crc16(line.data(), star));
    if (star == std::string::npos || line.substr(star + 1) != crc) {
      problems.push_back("device wrote a line with a wrong CRC: " + escapeBytes(line));
    }
    if (line.compare(0, 4, "TLM,") == 0) {
      tlm.push_back(Output{nowMs_, line});
    } else {
      events.push_back(Output{nowMs_, line});
    }
  }
  std::vector<Output> events;  // every line other than TLM, in order
  std::vector<Output> tlm;
  std::vector<std::string> problems;

 private:
  const uint32_t& nowMs_;
};

bool parseU32(const std::string& text, uint32_t& value) {
  if (text.empty() || text.size() > 10) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (v > 0xFFFFFFFFULL) return false;
  value = static_cast<uint32_t>(v);
  return true;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isHexDigit(char c) { return isDigit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

bool matchFrom(const std::string& pat, size_t pi, const std::string& line, size_t li) {
  if (pi == pat.size()) return li == line.size();
  if (pat[pi] != '{') {
    return li < line.size() && line[li] == pat[pi] && matchFrom(pat, pi + 1, line, li + 1);
  }
  const size_t close = pat.find('}', pi);
  if (close == std::string::npos) return false;
  const std::string token = pat.substr(pi + 1, close - pi - 1);
  const size_t next = close + 1;
  if (token == "CRC") {
    if (li == 0 || line[li - 1] != '*' || li + 4 > line.size()) return false;
    char crc[8];
    std::snprintf(crc, sizeof(crc), "%04X", lt::crc16(line.data(), li - 1));
    return line.compare(li, 4, crc) == 0 && matchFrom(pat, next, line, li + 4);
  }
  if (token == "*") {
    size_t end = li;
    while (end < line.size() && line[end] != ',' && line[end] != '*') ++end;
    for (size_t e = end + 1; e-- > li;) {
      if (matchFrom(pat, next, line, e)) return true;
    }
    return false;
  }
  const bool hex = token == "h";
  const size_t range = token.find("..");
  if (token != "u" && !hex && range == std::string::npos) return false;  // unknown placeholder
  size_t end = li;
  while (end < line.size() && (hex ? isHexDigit(line[end]) : isDigit(line[end]))) ++end;
  for (size_t e = end; e > li; --e) {
    if (range != std::string::npos) {
      uint32_t lo = 0, hi = 0, v = 0;
      if (!parseU32(token.substr(0, range), lo) || !parseU32(token.substr(range + 2), hi)) return false;
      if (!parseU32(line.substr(li, e - li), v) || v < lo || v > hi) continue;
    }
    if (matchFrom(pat, next, line, e)) return true;
  }
  return false;
}

// Field `index` (0 = type) of a device line, without the CRC trailer.
std::string fieldOf(const std::string& line, size_t index) {
  const std::string body = line.substr(0, line.rfind('*'));
  size_t start = 0;
  for (size_t i = 0; i < index; ++i) {
    start = body.find(',', start);
    if (start == std::string::npos) return "";
    ++start;
  }
  return body.substr(start, body.find(',', start) - start);
}

bool parseCause(const std::string& word, lt::ResetCause& cause) {
  for (lt::ResetCause c : {lt::ResetCause::kPowerOn, lt::ResetCause::kExternal, lt::ResetCause::kBrownOut,
                           lt::ResetCause::kWatchdog}) {
    if (word == lt::resetCauseName(c)) {
      cause = c;
      return true;
    }
  }
  return false;
}

class SessionRun {
 public:
  SessionRun() : sink_(nowMs_), device_(sink_) {}

  std::vector<std::string> run(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {path + ": cannot open"};
    std::string text;
    int number = 0;
    while (std::getline(in, text)) {
      ++number;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      const size_t first = text.find_first_not_of(" \t");
      if (first == std::string::npos || text[first] == '#') continue;
      where_ = "line " + std::to_string(number) + ": ";
      directive(text.substr(first));
      if (aborted_) break;
    }
    if (!aborted_) {
      bootIfNeeded();
      for (size_t i = nextEvent_; i < sink_.events.size(); ++i) {
        problems_.push_back("end: unexpected device line at t=" + std::to_string(sink_.events[i].tMs) + ": " +
                            sink_.events[i].line);
      }
    }
    for (const std::string& p : sink_.problems) problems_.push_back(p);
    return problems_;
  }

 private:
  void fail(const std::string& what) { problems_.push_back(where_ + what); }
  void abort(const std::string& what) {
    fail(what);
    aborted_ = true;
  }

  void bootIfNeeded() {
    if (booted_) return;
    booted_ = true;
    nowMs_ = 0;
    const lt::DeviceIdentity identity = {"host", 0x0123ABCDUL, true};
    device_.begin(0, cause_, identity);
    feedInputs();
    device_.tick(0);
  }

  void feedInputs() {
    device_.setAdc(hot_, cold_, amb_, nowMs_);
    device_.setPulses(pulses_);
  }

  // Runs the device one millisecond at a time up to `tMs`.
  bool advanceTo(uint32_t tMs) {
    bootIfNeeded();
    if (tMs < nowMs_) {
      abort("time goes back: " + std::to_string(tMs) + " < " + std::to_string(nowMs_));
      return false;
    }
    while (nowMs_ < tMs) {
      ++nowMs_;
      feedInputs();
      device_.tick(nowMs_);
    }
    return true;
  }

  void directive(const std::string& text) {
    std::istringstream words(text);
    std::string verb;
    words >> verb;
    std::string rest;
    std::getline(words, rest);
    const size_t first = rest.find_first_not_of(' ');
    rest = first == std::string::npos ? "" : rest.substr(first);

    if (verb == "boot") {
      if (booted_) return abort("boot must come before everything else");
      if (!parseCause(rest, cause_)) return abort("unknown reset cause: " + rest);
      bootIfNeeded();
    } else if (verb == "at") {
      at(rest);
    } else if (verb == "expect") {
      expectEvent(rest);
    } else if (verb == "expect-tlm") {
      expectTlm(rest);
    } else if (verb == "expect-no-event-until") {
      uint32_t t = 0;
      if (!parseU32(rest, t)) return abort("bad time: " + rest);
      if (!advanceTo(t)) return;
      for (; nextEvent_ < sink_.events.size(); ++nextEvent_) {
        fail("expected no line other than TLM until " + rest + ", got at t=" +
             std::to_string(sink_.events[nextEvent_].tMs) + ": " + sink_.events[nextEvent_].line);
      }
    } else if (verb == "expect-tlm-count") {
      std::istringstream args(rest);
      std::string a, b, c, d;
      uint32_t from = 0, to = 0, lo = 0, hi = 0;
      args >> a >> b >> c >> d;
      if (!parseU32(a, from) || !parseU32(b, to) || !parseU32(c, lo) || !parseU32(d, hi)) {
        return abort("expect-tlm-count needs <from_ms> <to_ms> <min> <max>");
      }
      if (!advanceTo(to < nowMs_ ? nowMs_ : to)) return;
      uint32_t count = 0;
      for (const Output& o : sink_.tlm) {
        uint32_t t = 0;
        if (parseU32(fieldOf(o.line, 2), t) && t >= from && t < to) ++count;
      }
      if (count < lo || count > hi) {
        fail("TLM lines with t_ms in [" + a + ", " + b + "): " + std::to_string(count) + ", expected " + c +
             ".." + d);
      }
    } else {
      abort("unknown directive: " + verb);
    }
  }

  void at(const std::string& rest) {
    std::istringstream words(rest);
    std::string timeText, action;
    words >> timeText >> action;
    uint32_t t = 0;
    if (!parseU32(timeText, t)) return abort("bad time: " + timeText);
    if (!advanceTo(t)) return;
    std::string args;
    std::getline(words, args);
    const size_t first = args.find_first_not_of(' ');
    args = first == std::string::npos ? "" : args.substr(first);
    if (action.empty()) return;
    if (action == "recv") {
      std::string bytes;
      if (!unescapeVector(args, bytes)) return abort("bad escape in: " + args);
      bytes = fillCrc(bytes) + "\n";
      for (char ch : bytes) device_.receiveByte(static_cast<uint8_t>(ch), nowMs_);
    } else if (action == "sensors") {
      std::istringstream kv(args);
      std::string pair;
      while (kv >> pair) {
        const size_t eq = pair.find('=');
        uint32_t v = 0;
        if (eq == std::string::npos || !parseU32(pair.substr(eq + 1), v)) return abort("bad sensor value: " + pair);
        const std::string key = pair.substr(0, eq);
        if (key == "pulses") {
          pulses_ = v;
          continue;
        }
        if (v > 4095) return abort("counts above 4095: " + pair);
        if (key == "hot") {
          hot_ = static_cast<uint16_t>(v);
        } else if (key == "cold") {
          cold_ = static_cast<uint16_t>(v);
        } else if (key == "amb") {
          amb_ = static_cast<uint16_t>(v);
        } else {
          return abort("unknown sensor: " + key);
        }
      }
      feedInputs();
    } else {
      abort("unknown action: " + action);
    }
  }

  void expectEvent(const std::string& pattern) {
    bootIfNeeded();
    if (nextEvent_ >= sink_.events.size()) {
      return fail("expected `" + pattern + "` by t=" + std::to_string(nowMs_) + ", the device wrote nothing more");
    }
    const Output& o = sink_.events[nextEvent_++];
    if (!matchPattern(pattern, o.line)) {
      fail("expected `" + pattern + "`, got at t=" + std::to_string(o.tMs) + ": " + o.line);
    }
  }

  void expectTlm(const std::string& pattern) {
    bootIfNeeded();
    if (sink_.tlm.empty()) return fail("expected TLM `" + pattern + "`, no TLM yet");
    const Output& o = sink_.tlm.back();
    if (!matchPattern(pattern, o.line)) {
      fail("expected latest TLM `" + pattern + "`, got at t=" + std::to_string(o.tMs) + ": " + o.line);
    }
  }

  uint32_t nowMs_ = 0;
  CaptureSink sink_;
  lt::Device device_;
  lt::ResetCause cause_ = lt::ResetCause::kPowerOn;
  bool booted_ = false;
  bool aborted_ = false;
  uint16_t hot_ = 2048, cold_ = 2048, amb_ = 2048;
  uint32_t pulses_ = 0;
  size_t nextEvent_ = 0;
  std::string where_;
  std::vector<std::string> problems_;
};

}  // namespace

bool matchPattern(const std::string& pattern, const std::string& line) { return matchFrom(pattern, 0, line, 0); }

std::string fillCrc(const std::string& line) {
  const size_t at = line.find("*{CRC}");
  if (at == std::string::npos) return line;
  char crc[8];
  std::snprintf(crc, sizeof(crc), "%04X", lt::crc16(line.data(), at));
  return line.substr(0, at + 1) + crc + line.substr(at + 6);
}

std::vector<std::string> runSession(const std::string& path) {
  SessionRun run;
  return run.run(path);
}

}  // namespace lttest
