#include "command_parser.h"

#include <string.h>

#include "crc16.h"
#include "lt_config.h"

namespace lt {

namespace {

int8_t hexValue(char c) {
  if (c >= '0' && c <= '9') return static_cast<int8_t>(c - '0');
  if (c >= 'A' && c <= 'F') return static_cast<int8_t>(c - 'A' + 10);
  if (c >= 'a' && c <= 'f') return static_cast<int8_t>(c - 'a' + 10);
  return -1;
}

bool spanEquals(const char* line, Span span, const char* word) {
  const size_t n = strlen(word);
  return span.length == n && memcmp(line + span.offset, word, n) == 0;
}

struct TypeInfo {
  const char* name;
  CommandType type;
  uint8_t minFields;  // fields after the type
  uint8_t maxFields;
};

const TypeInfo kTypes[] = {
    {"PWM", CommandType::kPwm, 3, 4},   {"RATE", CommandType::kRate, 2, 2},
    {"PING", CommandType::kPing, 1, 1}, {"INFO", CommandType::kInfo, 1, 1},
    {"SAFE", CommandType::kSafe, 1, 1},
};

void fail(ParsedCommand& out, Field field, FieldProblem problem) {
  out.error = ParseError::kBadField;
  out.badField = field;
  out.problem = problem;
}

// Parses field `index` as a number in [lo, hi]; on failure records it.
bool numberField(const char* line, ParsedCommand& out, uint8_t index, Field field, uint32_t lo,
                 uint32_t hi, uint32_t& value) {
  const Span span = out.fields[index];
  const uint8_t status = parseDecimal(line + span.offset, span.length, value);
  if (status == 1) {
    fail(out, field, FieldProblem::kSyntax);
    return false;
  }
  if (status == 2 || value < lo || value > hi) {
    fail(out, field, FieldProblem::kRange);
    return false;
  }
  return true;
}

}  // namespace

uint8_t parseDecimal(const char* text, uint8_t len, uint32_t& value) {
  if (len == 0) return 1;
  uint32_t v = 0;
  for (uint8_t i = 0; i < len; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return 1;
    const uint8_t d = static_cast<uint8_t>(c - '0');
    if (v > (0xFFFFFFFFUL - d) / 10) {
      // Keep scanning so that "99999999999x" is a syntax problem, not a range one.
      for (uint8_t j = static_cast<uint8_t>(i + 1); j < len; ++j) {
        if (text[j] < '0' || text[j] > '9') return 1;
      }
      return 2;
    }
    v = v * 10 + d;
  }
  value = v;
  return 0;
}

const char* fieldName(Field field) {
  switch (field) {
    case Field::kId:
      return "id";
    case Field::kChannel:
      return "channel";
    case Field::kDuty:
      return "duty";
    case Field::kHoldMs:
      return "hold_ms";
    case Field::kHz:
      return "hz";
    case Field::kNone:
      break;
  }
  return "";
}

const char* channelName(Channel channel) {
  switch (channel) {
    case Channel::kPump:
      return "pump";
    case Channel::kHeater:
      return "heater";
    case Channel::kFan:
      return "fan";
  }
  return "";
}

void parseCommand(const char* line, uint8_t len, ParsedCommand& out) {
  memset(&out, 0, sizeof(out));
  out.error = ParseError::kMalformed;
  out.problem = FieldProblem::kSyntax;

  // Checked in this order (the golden vectors pin it): `*CCCC` trailer, CRC,
  // no '*' among the fields, type, number of fields, each field left to right.
  if (len < 5 || line[len - 5] != '*') return;
  const uint8_t bodyLen = static_cast<uint8_t>(len - 5);
  uint16_t wireCrc = 0;
  for (uint8_t i = bodyLen + 1; i < len; ++i) {
    const int8_t h = hexValue(line[i]);
    if (h < 0) return;
    wireCrc = static_cast<uint16_t>((wireCrc << 4) | static_cast<uint8_t>(h));
  }
  out.crc = crc16(line, bodyLen);
  if (out.crc != wireCrc) {
    out.error = ParseError::kCrc;
    return;
  }
  out.crcValid = true;
  if (memchr(line, '*', bodyLen) != nullptr) return;  // malformed

  // Split the body at ','.
  uint8_t start = 0;
  uint8_t count = 0;  // fields after the type
  for (uint8_t i = 0; i <= bodyLen; ++i) {
    if (i < bodyLen && line[i] != ',') continue;
    const Span span = {start, static_cast<uint8_t>(i - start)};
    if (start == 0) {
      out.typeSpan = span;
    } else {
      if (count < kMaxSpans) out.fields[count] = span;
      if (count < 255) ++count;
    }
    start = static_cast<uint8_t>(i + 1);
  }
  out.fieldCount = count;

  // Best-effort id, so that even a refused line can be answered with it.
  uint32_t id = 0;
  if (count > 0 && parseDecimal(line + out.fields[0].offset, out.fields[0].length, id) == 0 &&
      id >= 1 && id <= 65535) {
    out.id = static_cast<uint16_t>(id);
  }

  if (out.typeSpan.length == 0) return;  // malformed
  const TypeInfo* info = nullptr;
  for (const TypeInfo& t : kTypes) {
    if (spanEquals(line, out.typeSpan, t.name)) {
      info = &t;
      break;
    }
  }
  if (info == nullptr) {
    out.error = ParseError::kUnknownType;
    return;
  }
  out.type = info->type;
  if (count < info->minFields || count > info->maxFields) return;  // malformed
  out.error = ParseError::kNone;

  uint32_t value = 0;
  if (!numberField(line, out, 0, Field::kId, 1, 65535, value)) return;
  out.id = static_cast<uint16_t>(value);

  switch (info->type) {
    case CommandType::kPwm: {
      const Span ch = out.fields[1];
      if (ch.length == 0) {
        fail(out, Field::kChannel, FieldProblem::kSyntax);
        return;
      }
      if (spanEquals(line, ch, "pump")) {
        out.channel = Channel::kPump;
      } else if (spanEquals(line, ch, "heater")) {
        out.channel = Channel::kHeater;
      } else if (spanEquals(line, ch, "fan")) {
        out.channel = Channel::kFan;
      } else {
        fail(out, Field::kChannel, FieldProblem::kRange);
        return;
      }
      if (!numberField(line, out, 2, Field::kDuty, 0, 255, value)) return;
      out.duty = static_cast<uint8_t>(value);
      if (count >= 4) {
        if (!numberField(line, out, 3, Field::kHoldMs, 1, kMaxHoldMs, value)) return;
        out.hasHold = true;
        out.holdMs = value;
      }
      return;
    }
    case CommandType::kRate:
      if (!numberField(line, out, 1, Field::kHz, kMinRateHz, kMaxRateHz, value)) return;
      out.hz = static_cast<uint8_t>(value);
      return;
    case CommandType::kPing:
    case CommandType::kInfo:
    case CommandType::kSafe:
      return;
  }
}

}  // namespace lt
