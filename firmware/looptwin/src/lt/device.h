// The looptwin device's behaviour, independent of the hardware: command
// handling with ACK/NAK and id dedupe, PWM holds, heartbeat, the
// over-temperature interlock, sensor range checks, boot lines and telemetry
// scheduling. Time is always passed in (milliseconds, uint32, wrapping).
//
// The sketch feeds it serial bytes, ADC counts and flow pulses, calls tick()
// every loop, and applies duty() to the hardware. Host tests drive it with a
// simulated clock.
#ifndef LT_DEVICE_H
#define LT_DEVICE_H

#include <stdint.h>

#include "command_parser.h"
#include "line_assembler.h"
#include "lt_config.h"

namespace lt {

enum class ResetCause : uint8_t { kPowerOn, kExternal, kBrownOut, kWatchdog };

/// Wire name of a reset cause (`POWERON`, `EXTERNAL`, `BROWNOUT`, `WDT`).
const char* resetCauseName(ResetCause cause);

/// TLM flag bits (docs/design.md 4).
enum FlagBit : uint8_t {
  kFlagHold = 1u << 0,
  kFlagHeartbeatLost = 1u << 1,
  kFlagInterlock = 1u << 2,
  kFlagSensor = 1u << 3,
  kFlagWatchdogReset = 1u << 4,
};

enum class SensorState : uint8_t { kOk, kOpen, kShort };

/// Thermistor channels, in TLM order.
enum class Probe : uint8_t { kHot = 0, kCold = 1, kAmb = 2 };
static const uint8_t kProbeCount = 3;

/// Where the device's lines go (the UART on the board, a vector in tests).
class LineSink {
 public:
  /// `text` holds `length` bytes, the terminating '\n' included.
  virtual void writeLine(const char* text, uint8_t length) = 0;

 protected:
  ~LineSink() {}
};

/// Counters of refused input (not on the wire; for tests and debugging).
struct DeviceStats {
  uint16_t crcErrors;
  uint16_t malformed;  ///< malformed lines, too-long lines included
  uint16_t tooLong;
  uint16_t duplicates;
};

/// Fixed facts about the board, given at begin().
struct DeviceIdentity {
  const char* board;     ///< HELLO board field, e.g. `uno`
  uint32_t uid;          ///< unit id, printed as 8 uppercase hex digits
  bool hasAmbientProbe;  ///< false: TLM adc_amb is empty and A2 is not checked
};

class Device {
 public:
  explicit Device(LineSink& sink);

  /// Power-up: resets the state, prints HELLO, `EVT,BOOT,<cause>` and, after a
  /// watchdog reset, `EVT,WDT,0`.
  void begin(uint32_t nowMs, ResetCause cause, const DeviceIdentity& identity);

  /// One byte from the host.
  void receiveByte(uint8_t byte, uint32_t nowMs);

  /// A fresh set of 12-bit thermistor counts: range checks and the interlock.
  void setAdc(uint16_t hotCounts, uint16_t coldCounts, uint16_t ambCounts, uint32_t nowMs);

  /// The cumulative flow pulse count (wraps).
  void setPulses(uint32_t pulses) { pulses_ = pulses; }

  /// Holds, heartbeat and telemetry; call at least once per millisecond.
  void tick(uint32_t nowMs);

  /// Duty applied now, 0-255.
  uint8_t duty(Channel channel) const { return duty_[static_cast<uint8_t>(channel)]; }
  /// TLM flags now.
  uint8_t flags() const;
  uint8_t rateHz() const { return rateHz_; }
  const DeviceStats& stats() const { return stats_; }

 private:
  // Answer stored per remembered id: ACK, or a NAK reason.
  enum Answer : uint8_t {
    kAnswerAck = 0,
    kAnswerUnknown,
    kAnswerSyntax,
    kAnswerInterlock,
    kAnswerRangeBase,  // + static_cast<uint8_t>(Field)
  };
  struct Remembered {
    uint16_t id;
    uint16_t crc;
    uint8_t answer;
  };
  struct Hold {
    bool active;
    uint8_t revertDuty;
    uint32_t startMs;
    uint32_t durationMs;
  };

  void reset(uint32_t nowMs, ResetCause cause, const DeviceIdentity& identity);
  void handleLine(const char* text, uint8_t length, uint32_t nowMs);
  uint8_t apply(const ParsedCommand& command, uint32_t nowMs);
  void sendAnswer(uint16_t id, uint8_t answer);
  void remember(uint16_t id, uint16_t crc, uint8_t answer);
  void setDuty(Channel channel, uint8_t duty);
  void enterSafe();
  void tripInterlock(Probe probe);
  void sendHello();
  void sendEvent(const char* code, const char* detail);
  void sendEvent(const char* code, uint32_t detail);
  void sendTelemetry(uint32_t nowMs);
  void restartTelemetry(uint32_t nowMs);
  /// When the next TLM is due: tlmIndex_ + 1 periods of 1000 / rateHz_ ms after tlmBaseMs_.
  uint32_t telemetryDueMs() const;
  void emit(uint8_t length);

  LineSink& sink_;
  LineAssembler assembler_;
  DeviceIdentity identity_;
  DeviceStats stats_;
  Remembered remembered_[kDedupeWindow];
  uint8_t rememberedNext_;
  Hold holds_[kChannelCount];
  uint8_t duty_[kChannelCount];
  uint16_t adc_[kProbeCount];
  SensorState sensor_[kProbeCount];
  uint32_t pulses_;
  uint32_t lastValidMs_;
  bool heartbeatLost_;
  bool interlock_;
  bool watchdogReset_;
  uint8_t rateHz_;
  uint8_t tlmIndex_;  // TLMs sent since tlmBaseMs_ (0 .. rateHz_-1)
  uint32_t tlmBaseMs_;
  uint32_t tlmDueMs_;  // telemetryDueMs(), kept whenever the three above change
  uint32_t seq_;
  char out_[96];
};

}  // namespace lt

#endif  // LT_DEVICE_H
