// Compile-time constants of the looptwin device (docs/design.md 4 and
// docs/protocol.md). No Arduino dependency: the host tests include this too.
#ifndef LT_CONFIG_H
#define LT_CONFIG_H

#include <stdint.h>

namespace lt {

// Protocol and identity (HELLO,<major>.<minor>,<fw_name>,<fw_version>,<board>,<uid>).
static const char kProtocolVersion[] = "1.0";
static const char kFirmwareName[] = "looptwin-fw";
static const char kFirmwareVersion[] = "0.1.0";

// Longest line on the wire, terminator included (docs/design.md 4).
static const uint8_t kMaxLineBytes = 160;

// Telemetry rate: default and accepted range of RATE,<id>,<hz>.
static const uint8_t kDefaultRateHz = 10;
static const uint8_t kMinRateHz = 1;
static const uint8_t kMaxRateHz = 100;

// No valid command for this long -> heartbeat lost -> SAFE.
static const uint32_t kHeartbeatTimeoutMs = 3000;

// Longest accepted PWM hold. Kept far below 2^31 so that wrap-safe
// millis() arithmetic (int32 differences) stays valid.
static const uint32_t kMaxHoldMs = 86400000UL;  // 24 h

// Ids remembered for duplicate detection (a repeated id is answered again,
// not re-applied).
static const uint8_t kDedupeWindow = 16;

// 12-bit oversampled counts: 16 x 10-bit samples summed, >> 2 (0 .. 4092).
static const uint16_t kAdcMaxCounts = 4092;
// Open thermistor reads the high rail, shorted thermistor the low rail.
static const uint16_t kAdcOpenCounts = 4092 - 8;  // counts >= this: open
static const uint16_t kAdcShortCounts = 8;        // counts <= this: short

// Over-temperature limit 80 C on hot or cold. With the divider
// Vcc - 10k - ADC - NTC(10k at 25 C, B 3950) - GND the NTC reads
// R = 10k * exp(3950 * (1/353.15 - 1/298.15)) = 1270.3 Ohm at 80 C, i.e.
// counts = 4096 * R / (R + 10k) = 461.68. Hotter means fewer counts, so the
// interlock trips when counts < 462 (a short, counts <= 8, trips it too).
static const uint16_t kOvertempBelowCounts = 462;

// Heater solid-state relay: time-proportioning window.
static const uint32_t kHeaterWindowMs = 1000;

// Timer1 TOP for ~25 kHz phase-correct PWM at 16 MHz, prescaler 1:
// f = 16 MHz / (2 * 320) = 25 kHz.
static const uint16_t kPwmTop = 320;

}  // namespace lt

#endif  // LT_CONFIG_H
