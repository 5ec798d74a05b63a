// Assembles serial bytes into lines: '\n' terminates, a '\r' right before it
// is dropped, and a line longer than kMaxLineBytes (terminator included) is
// discarded up to the next '\n' and reported once as too long.
#ifndef LT_LINE_ASSEMBLER_H
#define LT_LINE_ASSEMBLER_H

#include <stdint.h>

#include "lt_config.h"

namespace lt {

class LineAssembler {
 public:
  enum Result : uint8_t {
    kPending = 0,  ///< no complete line yet
    kLine,         ///< a line is ready in text()/length() until the next push
    kTooLong,      ///< a line over the cap just ended; it was discarded
  };

  LineAssembler() : length_(0), overflow_(false), complete_(false) { text_[0] = '\0'; }

  /// Feeds one byte.
  Result push(uint8_t byte);

  /// The completed line, without terminator, NUL-terminated.
  const char* text() const { return text_; }
  uint8_t length() const { return length_; }

  /// Forgets a partial line (e.g. after a reset of the link).
  void clear() {
    length_ = 0;
    overflow_ = false;
    complete_ = false;
  }

 private:
  // Content bytes (a '\r' included) plus the '\n' may not exceed the cap.
  static const uint8_t kMaxContent = kMaxLineBytes - 1;
  char text_[kMaxContent + 1];
  uint8_t length_;
  bool overflow_;
  bool complete_;  // text_ holds a handed-out line
};

}  // namespace lt

#endif  // LT_LINE_ASSEMBLER_H
