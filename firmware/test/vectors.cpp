#include "vectors.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "../looptwin/src/lt/command_parser.h"
#include "../looptwin/src/lt/crc16.h"
#include "../looptwin/src/lt/line_assembler.h"
#include "../looptwin/src/lt/line_writer.h"

namespace lttest {

namespace {

std::string hex4(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%04X", v);
  return buf;
}

std::vector<std::string> splitSpaces(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string word;
  while (in >> word) out.push_back(word);
  return out;
}

std::string span(const std::string& line, lt::Span s) { return line.substr(s.offset, s.length); }

// The parser's verdict in the vectors' `expect` notation.
std::string renderCommand(const std::string& line, const lt::ParsedCommand& c) {
  switch (c.error) {
    case lt::ParseError::kCrc:
      return "err crc";
    case lt::ParseError::kMalformed:
      return "err malformed";
    case lt::ParseError::kUnknownType:
      return "err unknown_type";
    case lt::ParseError::kTooLong:
      return "err too_long";
    case lt::ParseError::kBadField:
      return std::string("err bad_field ") + lt::fieldName(c.badField);
    case lt::ParseError::kNone:
      break;
  }
  static const char* const kPwm[] = {"id", "channel", "duty", "hold_ms"};
  static const char* const kRate[] = {"id", "hz"};
  static const char* const kIdOnly[] = {"id"};
  const char* const* names = kIdOnly;
  size_t nameCount = 1;
  std::string type = span(line, c.typeSpan);
  switch (c.type) {
    case lt::CommandType::kPwm:
      names = kPwm;
      nameCount = 4;
      break;
    case lt::CommandType::kRate:
      names = kRate;
      nameCount = 2;
      break;
    case lt::CommandType::kPing:
    case lt::CommandType::kInfo:
    case lt::CommandType::kSafe:
      break;
  }
  std::string out = "ok " + type;
  for (uint8_t i = 0; i < c.fieldCount && i < lt::kMaxSpans; ++i) {
    // More fields than the type defines would be a parser bug: show them.
    out += std::string(" ") + (i < nameCount ? names[i] : "unexpected") + "=" + span(line, c.fields[i]);
  }
  return out;
}

std::string parseThroughAssembler(const std::string& input, bool& sawLine) {
  lt::LineAssembler assembler;
  sawLine = false;
  std::string bytes = input + "\n";
  for (char ch : bytes) {
    switch (assembler.push(static_cast<uint8_t>(ch))) {
      case lt::LineAssembler::kPending:
        break;
      case lt::LineAssembler::kTooLong:
        sawLine = true;
        return "err too_long";
      case lt::LineAssembler::kLine: {
        sawLine = true;
        lt::ParsedCommand c;
        std::string line(assembler.text(), assembler.length());
        lt::parseCommand(assembler.text(), assembler.length(), c);
        return renderCommand(line, c);
      }
    }
  }
  return "(no line)";
}

void checkCommand(const Vector& v, Problems& p) {
  std::string expect = v.expect;
  bool emuOk = expect.rfind("ok EMU", 0) == 0;
  if (emuOk) expect = "err unknown_type";  // the real firmware has no EMU command
  std::string direct;
  if (v.input.size() > lt::kMaxLineBytes - 1) {
    bool sawLine = false;
    direct = parseThroughAssembler(v.input, sawLine);
  } else {
    lt::ParsedCommand c;
    lt::parseCommand(v.input.data(), static_cast<uint8_t>(v.input.size()), c);
    direct = renderCommand(v.input, c);
    // The line as the device receives it: through the line assembler.
    const bool plain = v.input.find('\n') == std::string::npos &&
                       (v.input.empty() || v.input.back() != '\r');
    if (plain) {
      bool sawLine = false;
      std::string viaAssembler = parseThroughAssembler(v.input, sawLine);
      p.expect(viaAssembler == direct, "through the line assembler: " + viaAssembler + ", direct: " + direct);
    }
  }
  p.expect(direct == expect, "expected `" + expect + "`, firmware parser gives `" + direct + "`");
}

bool isDecimal(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool isHex(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Formats an `ok` device vector's fields with the firmware's LineWriter.
// Returns false (with a reason) when the vector cannot be built.
bool formatDevice(const std::string& type, const std::vector<std::pair<std::string, std::string>>& fields,
                  std::string& out, std::string& why) {
  char buf[200];
  lt::LineWriter w(buf, sizeof(buf));
  w.begin(type.c_str());
  std::map<std::string, std::string> f(fields.begin(), fields.end());
  auto num = [&](const std::string& name) -> bool {
    const std::string& raw = f[name];
    if (!isDecimal(raw)) {
      why = name + " is not decimal: " + raw;
      return false;
    }
    w.field(static_cast<uint32_t>(std::strtoul(raw.c_str(), nullptr, 10)));
    return true;
  };
  auto text = [&](const std::string& name) { w.field(f[name].c_str()); };
  if (type == "TLM") {
    for (const char* name : {"seq", "t_ms", "adc_hot", "adc_cold"}) {
      if (!num(name)) return false;
    }
    if (f["adc_amb"].empty()) {
      w.emptyField();
    } else if (!num("adc_amb")) {
      return false;
    }
    for (const char* name : {"pulses", "pump_duty", "heater_duty", "fan_duty"}) {
      if (!num(name)) return false;
    }
    if (!isHex(f["flags"])) {
      why = "flags not hex";
      return false;
    }
    w.fieldHex(static_cast<uint32_t>(std::strtoul(f["flags"].c_str(), nullptr, 16)));
  } else if (type == "HELLO") {
    if (!num("major")) return false;
    w.append(".");
    if (!isDecimal(f["minor"])) {
      why = "minor not decimal";
      return false;
    }
    w.append(static_cast<uint32_t>(std::strtoul(f["minor"].c_str(), nullptr, 10)));
    text("fw_name");
    text("fw_version");
    text("board");
    if (!isHex(f["uid"])) {
      why = "uid not hex";
      return false;
    }
    w.fieldHex(static_cast<uint32_t>(std::strtoul(f["uid"].c_str(), nullptr, 16)), 8);
  } else if (type == "ACK") {
    if (!num("id")) return false;
  } else if (type == "NAK") {
    if (!num("id")) return false;
    text("reason");
  } else if (type == "EVT") {
    text("code");
    text("detail");
  } else {
    why = "unknown device line type " + type;
    return false;
  }
  const uint8_t n = w.finish();
  if (n == 0) {
    why = "line does not fit the writer's buffer";
    return false;
  }
  out.assign(buf, n - 1);  // without '\n'
  return true;
}

// The same field values written the way the firmware writes them: decimal
// without leading zeros, hex in uppercase (uid padded to 8 digits).
std::string canonicalLine(const std::string& type, const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body = type;
  for (size_t i = 0; i < fields.size(); ++i) {
    const std::string& name = fields[i].first;
    std::string raw = fields[i].second;
    if (name == "minor") continue;  // joined to major below
    std::string value = raw;
    if (name == "flags" || name == "uid") {
      uint32_t v = static_cast<uint32_t>(std::strtoul(raw.c_str(), nullptr, 16));
      char b[16];
      std::snprintf(b, sizeof(b), name == "uid" ? "%08X" : "%X", v);
      value = b;
    } else if (isDecimal(raw)) {
      value = std::to_string(std::strtoul(raw.c_str(), nullptr, 10));
    }
    if (name == "major") {
      const std::string& minor = fields[i + 1].second;
      value += "." + std::to_string(std::strtoul(minor.c_str(), nullptr, 10));
    }
    body += "," + value;
  }
  return body + "*" + hex4(lt::crc16(body.data(), body.size()));
}

}  // namespace

std::string escapeBytes(const std::string& bytes) {
  std::string out;
  for (unsigned char c : bytes) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c > 0x7E) {
      char b[8];
      std::snprintf(b, sizeof(b), "\\x%02X", c);
      out += b;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool unescapeVector(const std::string& text, std::string& out) {
  out.clear();
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= text.size()) return false;
    const char e = text[++i];
    switch (e) {
      case '\\':
        out += '\\';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'n':
        out += '\n';
        break;
      case 'x': {
        if (i + 2 >= text.size()) return false;
        const std::string hh = text.substr(i + 1, 2);
        if (!isHex(hh)) return false;
        out += static_cast<char>(std::strtoul(hh.c_str(), nullptr, 16));
        i += 2;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

bool readVectors(const std::string& path, std::vector<Vector>& out, std::vector<std::string>& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back(path + ": cannot open");
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos || line.find('\t', t2 + 1) != std::string::npos) {
      errors.push_back(path + ":" + std::to_string(number) + ": not three TAB-separated columns");
      continue;
    }
    Vector v;
    v.file = path;
    v.lineNumber = number;
    v.group = line.substr(0, t1);
    v.rawInput = line.substr(t1 + 1, t2 - t1 - 1);
    v.expect = line.substr(t2 + 1);
    if (!unescapeVector(v.rawInput, v.input)) {
      errors.push_back(path + ":" + std::to_string(number) + ": bad escape in input");
      continue;
    }
    out.push_back(v);
  }
  return true;
}

void runVectors(const std::vector<Vector>& vectors, Report& report) {
  int crcCount = 0, commandCount = 0, deviceCount = 0, notApplicable = 0;
  for (const Vector& v : vectors) {
    const std::string base = v.file.substr(v.file.find_last_of('/') + 1);
    const std::string name = base + ":" + std::to_string(v.lineNumber) + " " + v.group + " " + v.rawInput;
    Problems p;
    if (v.group == "crc") {
      ++crcCount;
      const std::string got = hex4(lt::crc16(v.input.data(), v.input.size()));
      p.expect(got == v.expect, "expected " + v.expect + ", got " + got);
    } else if (v.group == "command") {
      ++commandCount;
      checkCommand(v, p);
    } else if (v.group == "device") {
      const std::vector<std::string> words = splitSpaces(v.expect);
      if (words.size() < 2 || words[0] != "ok") {
        ++notApplicable;  // the firmware does not parse device lines
        continue;
      }
      std::vector<std::pair<std::string, std::string>> fields;
      bool extra = false;
      for (size_t i = 2; i < words.size(); ++i) {
        const size_t eq = words[i].find('=');
        if (eq == std::string::npos) {
          p.add("expect word without '=': " + words[i]);
          continue;
        }
        const std::string key = words[i].substr(0, eq);
        if (key == "extra") {
          extra = true;
          continue;
        }
        fields.push_back(std::make_pair(key, words[i].substr(eq + 1)));
      }
      if (extra) {
        ++notApplicable;  // the firmware never writes unknown trailing fields
        continue;
      }
      ++deviceCount;
      std::string formatted, why;
      if (!formatDevice(words[1], fields, formatted, why)) {
        p.add("cannot format: " + why);
      } else {
        const std::string canonical = canonicalLine(words[1], fields);
        // Vectors written canonically must be reproduced byte for byte; others
        // (leading zeros, lowercase hex) must come out in canonical form.
        const std::string& want = canonical == v.input ? v.input : canonical;
        p.expect(formatted == want, "formatted `" + escapeBytes(formatted) + "`, want `" + escapeBytes(want) + "`");
      }
    } else {
      p.add("unknown group " + v.group);
    }
    report.record("vector " + name, p.list());
  }
  report.note("vectors: " + std::to_string(crcCount) + " crc, " + std::to_string(commandCount) +
              " command, " + std::to_string(deviceCount) + " device lines formatted; " +
              std::to_string(notApplicable) +
              " device vectors not for the firmware (errors and extra fields: it never parses or writes those)");
}

}  // namespace lttest
