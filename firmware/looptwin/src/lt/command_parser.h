// Parses one host -> device line (without its '\n') of wire protocol v1
// (docs/design.md 4): `<TYPE>,<field>,...*<CRC>`. Never fails hard: a bad
// line is described by ParseError, the offending field and its problem.
#ifndef LT_COMMAND_PARSER_H
#define LT_COMMAND_PARSER_H

#include <stdint.h>

namespace lt {

enum class CommandType : uint8_t { kPwm, kRate, kPing, kInfo, kSafe };

enum class Channel : uint8_t { kPump = 0, kHeater = 1, kFan = 2 };
static const uint8_t kChannelCount = 3;

enum class ParseError : uint8_t {
  kNone,
  kCrc,          ///< well-formed `*XXXX` trailer, wrong CRC
  kMalformed,    ///< no usable trailer, '*' among the fields, empty type, or a
                 ///< wrong number of fields (commands allow no extra fields)
  kUnknownType,  ///< CRC fine, type not one of PWM RATE PING INFO SAFE
  kBadField,     ///< CRC fine, one field empty, non-numeric or out of range
  kTooLong,      ///< set by the caller for lines over the length cap
};

enum class Field : uint8_t { kNone, kId, kChannel, kDuty, kHoldMs, kHz };

enum class FieldProblem : uint8_t {
  kSyntax,  ///< empty or not a decimal number
  kRange,   ///< a number (or channel name) outside the accepted set
};

/// Byte range of one field inside the parsed line.
struct Span {
  uint8_t offset;
  uint8_t length;
};

/// Fields after the type whose spans are kept (PWM has at most 4).
static const uint8_t kMaxSpans = 8;

struct ParsedCommand {
  ParseError error;
  /// The CRC trailer was present and matched: the line is from the host and
  /// its id can be trusted (the device answers only such lines).
  bool crcValid;
  Field badField;        ///< for kBadField
  FieldProblem problem;  ///< for kBadField (and kMalformed counts as syntax)
  CommandType type;      ///< valid unless kMalformed/kUnknownType/kCrc
  /// Command id 1..65535, or 0 when the id field is unreadable (best effort
  /// also for kUnknownType and kMalformed, so that a NAK can carry it).
  uint16_t id;
  Channel channel;
  uint8_t duty;
  bool hasHold;
  uint32_t holdMs;
  uint8_t hz;
  /// CRC over the bytes before '*' (valid when crcValid).
  uint16_t crc;
  Span typeSpan;
  /// Number of fields after the type (all of them, even beyond kMaxSpans).
  uint8_t fieldCount;
  Span fields[kMaxSpans];
};

/// Parses `len` bytes of `line` (no terminator) into `out`.
void parseCommand(const char* line, uint8_t len, ParsedCommand& out);

/// Wire name of a field (`id`, `channel`, `duty`, `hold_ms`, `hz`).
const char* fieldName(Field field);

/// Wire name of a channel (`pump`, `heater`, `fan`).
const char* channelName(Channel channel);

/// Parses a decimal number: digits only, at least one, leading zeros allowed.
/// Returns 0 on success, 1 on a syntax problem, 2 on overflow of uint32.
uint8_t parseDecimal(const char* text, uint8_t len, uint32_t& value);

}  // namespace lt

#endif  // LT_COMMAND_PARSER_H
