// Formats one device -> host line `<TYPE>,<field>,...*<CRC>\n` into a caller's
// buffer: decimal numbers without sign or leading zeros, flags as uppercase
// hex without prefix, CRC-16/CCITT-FALSE as 4 uppercase hex digits.
#ifndef LT_LINE_WRITER_H
#define LT_LINE_WRITER_H

#include <stdint.h>

namespace lt {

class LineWriter {
 public:
  /// `capacity` bytes of `buffer` are used; the line never exceeds them.
  LineWriter(char* buffer, uint8_t capacity)
      : buffer_(buffer), capacity_(capacity), length_(0), overflow_(false) {}

  /// Starts a line with its type (`TLM`, `ACK`, ...).
  void begin(const char* type);
  /// Appends `,text` (text must not contain ',' or '*').
  void field(const char* text);
  /// Appends `,` and the decimal value.
  void field(uint32_t value);
  /// Appends `,` and the value in uppercase hex without prefix, zero-padded
  /// to at least `minDigits` digits (1: no padding).
  void fieldHex(uint32_t value, uint8_t minDigits = 1);
  /// Appends `,` with nothing after it (an absent optional value).
  void emptyField();
  /// Appends text to the current field (no separator).
  void append(const char* text);
  /// Appends a decimal value to the current field (no separator).
  void append(uint32_t value);
  /// Appends `*<CRC>\n`; returns the line's length in bytes, or 0 when it did
  /// not fit (nothing must be sent then).
  uint8_t finish();

 private:
  void put(char c);
  char* buffer_;
  uint8_t capacity_;
  uint8_t length_;
  bool overflow_;
};

}  // namespace lt

#endif  // LT_LINE_WRITER_H
