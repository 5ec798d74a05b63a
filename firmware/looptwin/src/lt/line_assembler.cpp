#include "line_assembler.h"

namespace lt {

LineAssembler::Result LineAssembler::push(uint8_t byte) {
  if (complete_) {
    // The previous line was handed out; start a new one.
    length_ = 0;
    complete_ = false;
  }
  if (byte == '\n') {
    if (overflow_) {
      overflow_ = false;
      length_ = 0;
      return kTooLong;
    }
    if (length_ > 0 && text_[length_ - 1] == '\r') {
      --length_;
    }
    text_[length_] = '\0';
    complete_ = true;
    return kLine;
  }
  if (overflow_) {
    return kPending;
  }
  if (length_ >= kMaxContent) {
    overflow_ = true;
    return kPending;
  }
  text_[length_++] = static_cast<char>(byte);
  return kPending;
}

}  // namespace lt
