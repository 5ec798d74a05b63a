// Turning duties (0-255) into hardware settings, kept free of registers so
// the host tests can check the arithmetic.
#ifndef LT_ACTUATION_H
#define LT_ACTUATION_H

#include <stdint.h>

#include "lt_config.h"

namespace lt {

/// Timer1 compare value for a duty: duty * top / 255, rounded. 0 gives a
/// constantly low output and 255 a constantly high one in phase-correct PWM.
inline uint16_t dutyToCompare(uint8_t duty, uint16_t top = kPwmTop) {
  return static_cast<uint16_t>((static_cast<uint32_t>(duty) * top + 127u) / 255u);
}

/// Time-proportioning of an on/off output (a solid-state relay) over a fixed
/// window: on for duty/255 of each window, starting at the window's start.
class TimeProportioner {
 public:
  explicit TimeProportioner(uint32_t windowMs = kHeaterWindowMs)
      : windowMs_(windowMs), windowStartMs_(0), duty_(0), onMs_(0) {}

  /// Whether the output is on at `nowMs` for `duty` (0 always off, 255
  /// always on). Called on every pass of the main loop: the on time is
  /// recomputed only when the duty changes (a 32-bit division is some 600
  /// cycles on the AVR).
  bool update(uint8_t duty, uint32_t nowMs) {
    uint32_t elapsed = nowMs - windowStartMs_;
    if (elapsed >= windowMs_) {
      // Whole windows passed (also after a long stall): restart at now.
      windowStartMs_ = elapsed >= 2 * windowMs_ ? nowMs : windowStartMs_ + windowMs_;
      elapsed = nowMs - windowStartMs_;
    }
    if (duty != duty_) {
      duty_ = duty;
      onMs_ = (static_cast<uint32_t>(duty) * windowMs_ + 127u) / 255u;
    }
    return elapsed < onMs_;
  }

 private:
  uint32_t windowMs_;
  uint32_t windowStartMs_;
  uint8_t duty_;
  uint32_t onMs_;
};

}  // namespace lt

#endif  // LT_ACTUATION_H
