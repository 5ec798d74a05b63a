// CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR
// (docs/design.md 4). Check value of "123456789" is 0x29B1.
#ifndef LT_CRC16_H
#define LT_CRC16_H

#include <stddef.h>
#include <stdint.h>

namespace lt {

static const uint16_t kCrcInit = 0xFFFF;

/// Continues a CRC over `len` bytes; start with kCrcInit.
uint16_t crc16Update(uint16_t crc, const uint8_t* data, size_t len);

/// CRC over `len` bytes of `text`.
inline uint16_t crc16(const char* text, size_t len) {
  return crc16Update(kCrcInit, reinterpret_cast<const uint8_t*>(text), len);
}

}  // namespace lt

#endif  // LT_CRC16_H
