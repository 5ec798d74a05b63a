#include "line_writer.h"

#include "crc16.h"

namespace lt {

namespace {
const char kHexDigits[] = "0123456789ABCDEF";
}

void LineWriter::put(char c) {
  if (length_ < capacity_) {
    buffer_[length_++] = c;
  } else {
    overflow_ = true;
  }
}

void LineWriter::begin(const char* type) {
  length_ = 0;
  overflow_ = false;
  append(type);
}

void LineWriter::append(const char* text) {
  while (*text != '\0') put(*text++);
}

void LineWriter::append(uint32_t value) {
  char digits[10];
  uint8_t n = 0;
  // 32-bit division only while the value needs it: a 16-bit one is about a
  // third of the cycles on the AVR, and most fields fit (counts, duties).
  while (value > 0xFFFFu) {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  uint16_t rest = static_cast<uint16_t>(value);
  do {
    digits[n++] = static_cast<char>('0' + rest % 10);
    rest /= 10;
  } while (rest != 0);
  while (n > 0) put(digits[--n]);
}

void LineWriter::field(const char* text) {
  put(',');
  append(text);
}

void LineWriter::field(uint32_t value) {
  put(',');
  append(value);
}

void LineWriter::fieldHex(uint32_t value, uint8_t minDigits) {
  put(',');
  char digits[8];
  uint8_t n = 0;
  do {
    digits[n++] = kHexDigits[value & 0x0F];
    value >>= 4;
  } while (value != 0 || (n < minDigits && n < sizeof(digits)));
  while (n > 0) put(digits[--n]);
}

void LineWriter::emptyField() { put(','); }

uint8_t LineWriter::finish() {
  const uint16_t crc = crc16(buffer_, overflow_ ? 0 : length_);
  put('*');
  put(kHexDigits[(crc >> 12) & 0x0F]);
  put(kHexDigits[(crc >> 8) & 0x0F]);
  put(kHexDigits[(crc >> 4) & 0x0F]);
  put(kHexDigits[crc & 0x0F]);
  put('\n');
  return overflow_ ? 0 : length_;
}

}  // namespace lt
