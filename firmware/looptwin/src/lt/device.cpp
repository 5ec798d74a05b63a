#include "device.h"

#include <string.h>

#include "line_writer.h"

namespace lt {

namespace {

// Wrap-safe "a is at or after b" for millis() values less than 2^31 apart.
inline bool reached(uint32_t nowMs, uint32_t dueMs) {
  return static_cast<int32_t>(nowMs - dueMs) >= 0;
}

const char* probeName(Probe probe) {
  switch (probe) {
    case Probe::kHot:
      return "hot";
    case Probe::kCold:
      return "cold";
    case Probe::kAmb:
      return "amb";
  }
  return "";
}

const char* sensorStateName(SensorState state) {
  switch (state) {
    case SensorState::kOk:
      return "ok";
    case SensorState::kOpen:
      return "open";
    case SensorState::kShort:
      return "short";
  }
  return "";
}

SensorState classify(uint16_t counts) {
  if (counts >= kAdcOpenCounts) return SensorState::kOpen;
  if (counts <= kAdcShortCounts) return SensorState::kShort;
  return SensorState::kOk;
}

}  // namespace

const char* resetCauseName(ResetCause cause) {
  switch (cause) {
    case ResetCause::kPowerOn:
      return "POWERON";
    case ResetCause::kExternal:
      return "EXTERNAL";
    case ResetCause::kBrownOut:
      return "BROWNOUT";
    case ResetCause::kWatchdog:
      return "WDT";
  }
  return "";
}

Device::Device(LineSink& sink) : sink_(sink) {
  const DeviceIdentity none = {"", 0, true};
  reset(0, ResetCause::kPowerOn, none);
}

void Device::begin(uint32_t nowMs, ResetCause cause, const DeviceIdentity& identity) {
  reset(nowMs, cause, identity);
  sendHello();
  sendEvent("BOOT", resetCauseName(cause));
  if (watchdogReset_) sendEvent("WDT", static_cast<uint32_t>(0));
}

void Device::reset(uint32_t nowMs, ResetCause cause, const DeviceIdentity& identity) {
  identity_ = identity;
  assembler_.clear();
  memset(&stats_, 0, sizeof(stats_));
  memset(remembered_, 0, sizeof(remembered_));
  rememberedNext_ = 0;
  memset(holds_, 0, sizeof(holds_));
  memset(duty_, 0, sizeof(duty_));
  memset(adc_, 0, sizeof(adc_));
  for (uint8_t i = 0; i < kProbeCount; ++i) sensor_[i] = SensorState::kOk;
  pulses_ = 0;
  lastValidMs_ = nowMs;
  heartbeatLost_ = false;
  interlock_ = false;
  watchdogReset_ = cause == ResetCause::kWatchdog;
  rateHz_ = kDefaultRateHz;
  seq_ = 0;
  restartTelemetry(nowMs);
}

uint8_t Device::flags() const {
  uint8_t f = 0;
  for (uint8_t i = 0; i < kChannelCount; ++i) {
    if (holds_[i].active) f |= kFlagHold;
  }
  if (heartbeatLost_) f |= kFlagHeartbeatLost;
  if (interlock_) f |= kFlagInterlock;
  for (uint8_t i = 0; i < kProbeCount; ++i) {
    if (sensor_[i] != SensorState::kOk) f |= kFlagSensor;
  }
  if (watchdogReset_) f |= kFlagWatchdogReset;
  return f;
}

void Device::receiveByte(uint8_t byte, uint32_t nowMs) {
  switch (assembler_.push(byte)) {
    case LineAssembler::kPending:
      return;
    case LineAssembler::kTooLong:
      ++stats_.tooLong;
      ++stats_.malformed;
      return;
    case LineAssembler::kLine:
      handleLine(assembler_.text(), assembler_.length(), nowMs);
      return;
  }
}

void Device::handleLine(const char* text, uint8_t length, uint32_t nowMs) {
  ParsedCommand command;
  parseCommand(text, length, command);
  if (!command.crcValid) {
    // Nothing from such a line can be trusted, its id included: no answer.
    if (command.error == ParseError::kCrc) {
      ++stats_.crcErrors;
    } else if (length > 0) {
      ++stats_.malformed;
    }
    return;
  }
  // A repeated command (same id, same bytes) is answered again, not re-applied.
  if (command.id != 0) {
    for (uint8_t i = 0; i < kDedupeWindow; ++i) {
      const Remembered& r = remembered_[i];
      if (r.id == command.id && r.crc == command.crc) {
        ++stats_.duplicates;
        if (r.answer == kAnswerAck) {
          lastValidMs_ = nowMs;
          heartbeatLost_ = false;
        }
        sendAnswer(r.id, r.answer);
        return;
      }
    }
  }
  uint8_t answer = kAnswerAck;
  switch (command.error) {
    case ParseError::kNone:
      answer = apply(command, nowMs);
      break;
    case ParseError::kUnknownType:
      answer = kAnswerUnknown;
      break;
    case ParseError::kBadField:
      answer = command.problem == FieldProblem::kRange
                   ? static_cast<uint8_t>(kAnswerRangeBase + static_cast<uint8_t>(command.badField))
                   : static_cast<uint8_t>(kAnswerSyntax);
      break;
    case ParseError::kMalformed:
    case ParseError::kCrc:
    case ParseError::kTooLong:
      ++stats_.malformed;
      answer = kAnswerSyntax;
      break;
  }
  if (command.id != 0) remember(command.id, command.crc, answer);
  if (answer == kAnswerAck) {
    lastValidMs_ = nowMs;
    heartbeatLost_ = false;
  }
  sendAnswer(command.id, answer);
  // Lines a command causes follow its ACK.
  if (answer == kAnswerAck && command.type == CommandType::kInfo) sendHello();
}

uint8_t Device::apply(const ParsedCommand& command, uint32_t nowMs) {
  switch (command.type) {
    case CommandType::kPwm: {
      const uint8_t ch = static_cast<uint8_t>(command.channel);
      if (command.channel == Channel::kHeater && command.duty > 0 && interlock_) {
        return kAnswerInterlock;
      }
      Hold& hold = holds_[ch];
      if (command.hasHold) {
        // A hold re-armed while running keeps the duty from before the first.
        if (!hold.active) hold.revertDuty = duty_[ch];
        hold.active = true;
        hold.startMs = nowMs;
        hold.durationMs = command.holdMs;
      } else {
        hold.active = false;
      }
      setDuty(command.channel, command.duty);
      return kAnswerAck;
    }
    case CommandType::kRate:
      rateHz_ = command.hz;
      restartTelemetry(nowMs);
      return kAnswerAck;
    case CommandType::kPing:
      return kAnswerAck;
    case CommandType::kInfo:
      interlock_ = false;  // HELLO follows the ACK (handleLine)
      return kAnswerAck;
    case CommandType::kSafe:
      enterSafe();
      interlock_ = false;
      return kAnswerAck;
  }
  return kAnswerSyntax;
}

void Device::setDuty(Channel channel, uint8_t duty) {
  if (channel == Channel::kHeater && interlock_) duty = 0;
  duty_[static_cast<uint8_t>(channel)] = duty;
}

void Device::enterSafe() {
  for (uint8_t i = 0; i < kChannelCount; ++i) holds_[i].active = false;
  setDuty(Channel::kHeater, 0);
  setDuty(Channel::kPump, 255);
  setDuty(Channel::kFan, 255);
}

void Device::tripInterlock(Probe probe) {
  interlock_ = true;
  // A running hold must not bring the heater back or slow the pump later.
  holds_[static_cast<uint8_t>(Channel::kHeater)].active = false;
  holds_[static_cast<uint8_t>(Channel::kPump)].active = false;
  setDuty(Channel::kHeater, 0);
  setDuty(Channel::kPump, 255);
  sendEvent("OVERTEMP", probeName(probe));
}

void Device::setAdc(uint16_t hotCounts, uint16_t coldCounts, uint16_t ambCounts, uint32_t nowMs) {
  (void)nowMs;
  adc_[0] = hotCounts;
  adc_[1] = coldCounts;
  adc_[2] = ambCounts;
  const uint8_t probes = identity_.hasAmbientProbe ? kProbeCount : 2;
  for (uint8_t i = 0; i < probes; ++i) {
    const SensorState state = classify(adc_[i]);
    if (state != sensor_[i]) {
      sensor_[i] = state;
      LineWriter w(out_, sizeof(out_));
      w.begin("EVT");
      w.field("SENSOR");
      w.field(probeName(static_cast<Probe>(i)));
      w.append(":");
      w.append(sensorStateName(state));
      emit(w.finish());
    }
  }
  if (!interlock_) {
    if (hotCounts < kOvertempBelowCounts) {
      tripInterlock(Probe::kHot);
    } else if (coldCounts < kOvertempBelowCounts) {
      tripInterlock(Probe::kCold);
    }
  }
}

void Device::tick(uint32_t nowMs) {
  for (uint8_t i = 0; i < kChannelCount; ++i) {
    Hold& hold = holds_[i];
    if (hold.active && nowMs - hold.startMs >= hold.durationMs) {
      hold.active = false;
      setDuty(static_cast<Channel>(i), hold.revertDuty);
      sendEvent("HOLD_EXPIRED", channelName(static_cast<Channel>(i)));
    }
  }
  if (!heartbeatLost_ && nowMs - lastValidMs_ >= kHeartbeatTimeoutMs) {
    heartbeatLost_ = true;
    enterSafe();
    sendEvent("HB_LOST", nowMs - lastValidMs_);
  }
  if (reached(nowMs, tlmDueMs_)) {
    sendTelemetry(nowMs);
    if (++tlmIndex_ >= rateHz_) {
      tlmBaseMs_ += 1000;
      tlmIndex_ = 0;
    }
    tlmDueMs_ = telemetryDueMs();
    // More than a period behind (a stalled loop): resynchronise, no burst.
    if (reached(nowMs, tlmDueMs_)) restartTelemetry(nowMs);
  }
}

void Device::restartTelemetry(uint32_t nowMs) {
  tlmBaseMs_ = nowMs;
  tlmIndex_ = 0;
  tlmDueMs_ = telemetryDueMs();
}

// A 32-bit division, some 600 cycles on the AVR: once per TLM line, not on
// every tick (once a millisecond, where it was a sixth of the MCU's work).
uint32_t Device::telemetryDueMs() const {
  return tlmBaseMs_ + static_cast<uint32_t>(tlmIndex_ + 1) * 1000u / rateHz_;
}

void Device::sendAnswer(uint16_t id, uint8_t answer) {
  LineWriter w(out_, sizeof(out_));
  if (answer == kAnswerAck) {
    w.begin("ACK");
    w.field(static_cast<uint32_t>(id));
  } else {
    w.begin("NAK");
    w.field(static_cast<uint32_t>(id));
    switch (answer) {
      case kAnswerUnknown:
        w.field("unknown");
        break;
      case kAnswerSyntax:
        w.field("syntax");
        break;
      case kAnswerInterlock:
        w.field("interlock");
        break;
      default:
        w.field("range:");
        w.append(fieldName(static_cast<Field>(answer - kAnswerRangeBase)));
        break;
    }
  }
  emit(w.finish());
}

void Device::remember(uint16_t id, uint16_t crc, uint8_t answer) {
  // One entry per id: a new command under a remembered id replaces it.
  for (uint8_t i = 0; i < kDedupeWindow; ++i) {
    Remembered& r = remembered_[i];
    if (r.id == id) {
      r.crc = crc;
      r.answer = answer;
      return;
    }
  }
  Remembered& r = remembered_[rememberedNext_];
  r.id = id;
  r.crc = crc;
  r.answer = answer;
  rememberedNext_ = static_cast<uint8_t>((rememberedNext_ + 1) % kDedupeWindow);
}

void Device::sendHello() {
  LineWriter w(out_, sizeof(out_));
  w.begin("HELLO");
  w.field(kProtocolVersion);
  w.field(kFirmwareName);
  w.field(kFirmwareVersion);
  w.field(identity_.board);
  w.fieldHex(identity_.uid, 8);
  emit(w.finish());
}

void Device::sendEvent(const char* code, const char* detail) {
  LineWriter w(out_, sizeof(out_));
  w.begin("EVT");
  w.field(code);
  w.field(detail);
  emit(w.finish());
}

void Device::sendEvent(const char* code, uint32_t detail) {
  LineWriter w(out_, sizeof(out_));
  w.begin("EVT");
  w.field(code);
  w.field(detail);
  emit(w.finish());
}

void Device::sendTelemetry(uint32_t nowMs) {
  LineWriter w(out_, sizeof(out_));
  w.begin("TLM");
  w.field(seq_++);
  w.field(nowMs);
  w.field(static_cast<uint32_t>(adc_[0]));
  w.field(static_cast<uint32_t>(adc_[1]));
  if (identity_.hasAmbientProbe) {
    w.field(static_cast<uint32_t>(adc_[2]));
  } else {
    w.emptyField();
  }
  w.field(pulses_);
  w.field(static_cast<uint32_t>(duty_[0]));
  w.field(static_cast<uint32_t>(duty_[1]));
  w.field(static_cast<uint32_t>(duty_[2]));
  w.fieldHex(flags());
  emit(w.finish());
}

void Device::emit(uint8_t length) {
  if (length > 0) sink_.writeLine(out_, length);
}

}  // namespace lt
