// Unit id: 32 bits drawn once from whatever entropy the board offers (ADC
// noise, timer jitter), mixed, and stored in EEPROM by the sketch.
#ifndef LT_UID_H
#define LT_UID_H

#include <stdint.h>

namespace lt {

/// Folds one entropy word into the pool (murmur3-style mixing).
inline uint32_t uidMix(uint32_t pool, uint32_t entropy) {
  uint32_t k = entropy * 0xCC9E2D51UL;
  k = (k << 15) | (k >> 17);
  k *= 0x1B873593UL;
  pool ^= k;
  pool = (pool << 13) | (pool >> 19);
  return pool * 5u + 0xE6546B64UL;
}

/// Final avalanche of the pool into a uid; never 0 or 0xFFFFFFFF (the values
/// of erased or zeroed EEPROM).
inline uint32_t uidFinish(uint32_t pool) {
  pool ^= pool >> 16;
  pool *= 0x85EBCA6BUL;
  pool ^= pool >> 13;
  pool *= 0xC2B2AE35UL;
  pool ^= pool >> 16;
  if (pool == 0 || pool == 0xFFFFFFFFUL) pool = 0x4C540001UL;  // "LT" 0001
  return pool;
}

/// Whether a value read from EEPROM is a stored uid.
inline bool uidValid(uint32_t uid) { return uid != 0 && uid != 0xFFFFFFFFUL; }

}  // namespace lt

#endif  // LT_UID_H
