// looptwin rig firmware for an ATmega328P board (Arduino Uno / Nano, 16 MHz).
//
// Speaks wire protocol v1 (docs/design.md 4) at 115200 baud. The protocol
// and the device's behaviour live in src/lt/ (no Arduino dependency, tested on
// the host); this file is only the hardware layer:
//   A0 hot, A1 cold, A2 ambient thermistor (10 k series to 5 V, NTC to GND),
//      16 x 10-bit samples summed and shifted right by 2 -> 12-bit counts;
//   D2 flow meter (INT0, falling edge, pull-up), cumulative pulse count;
//   D9 pump, D10 fan: Timer1 phase-correct PWM at 25 kHz (ICR1 = 320);
//   D7 heater solid-state relay, time-proportioned over a 1 s window;
//   hardware watchdog (interrupt + reset mode, 0.5 s + 0.5 s).
// The loop never blocks on anything but the UART transmit buffer. Between
// passes the MCU idles (SLEEP_MODE_IDLE: timers, UART, ADC and watchdog keep
// running) until the next interrupt: Timer0's millis tick (1.024 ms), a byte
// in or out, an ADC conversion, a flow pulse.

#include <avr/eeprom.h>
#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>
#include <avr/wdt.h>

#include "src/lt/actuation.h"
#include "src/lt/device.h"
#include "src/lt/uid.h"

// Set to 0 on a rig without an ambient probe: TLM adc_amb is then empty and
// A2 is not range-checked.
#ifndef LT_HAS_AMBIENT_PROBE
#define LT_HAS_AMBIENT_PROBE 1
#endif

#if defined(ARDUINO_AVR_UNO)
#define LT_BOARD "uno"
#elif defined(ARDUINO_AVR_NANO)
#define LT_BOARD "nano"
#else
#define LT_BOARD "atmega328p"
#endif

namespace {

const uint32_t kBaud = 115200;
const uint8_t kPinFlow = 2;    // INT0
const uint8_t kPinHeater = 7;  // SSR input
const uint8_t kPinPump = 9;    // OC1A
const uint8_t kPinFan = 10;    // OC1B

// EEPROM layout: 'L', 'T', uid (4 bytes, little endian).
const uint16_t kEepromMagicAddr = 0;
const uint16_t kEepromUidAddr = 2;

// Written by the watchdog interrupt just before the watchdog resets the MCU;
// survives the reset in .noinit RAM. The stock Uno bootloader (Optiboot 4.4)
// clears MCUSR, so this marker is how a watchdog reset is recognised there.
const uint32_t kWdtMarker = 0x57445452UL;  // "WDTR"

}  // namespace

uint8_t gResetFlags __attribute__((section(".noinit")));
uint32_t gWdtMarker __attribute__((section(".noinit")));
volatile uint32_t gFlowPulses = 0;

// Runs before the C runtime initialises RAM: saves and clears the reset flags
// and stops a watchdog left running by a watchdog reset (it would otherwise
// reset the board again in 16 ms, forever).
extern "C" void captureResetFlags(void) __attribute__((naked, used, section(".init3")));
extern "C" void captureResetFlags(void) {
  gResetFlags = MCUSR;
  MCUSR = 0;
  wdt_disable();
}

ISR(WDT_vect) { gWdtMarker = kWdtMarker; }

static void onFlowPulse() { gFlowPulses = gFlowPulses + 1; }

namespace {

class SerialSink : public lt::LineSink {
 public:
  void writeLine(const char* text, uint8_t length) override {
    Serial.write(reinterpret_cast<const uint8_t*>(text), length);
  }
};

// Interrupt-driven thermistor scan: the ADC interrupt collects each
// conversion (104 us at the core's prescaler 128) and starts the next; 16 per
// channel, 3 channels, a full scan about every 5 ms, published whole.
namespace adc {

const uint8_t kChannels = 3;  // A0 hot, A1 cold, A2 ambient
const uint8_t kSamples = 16;

volatile uint16_t gScan[kChannels];  // the last full scan (12-bit counts)
volatile bool gScanReady = false;     // a scan not yet taken by the loop
uint8_t gChannel = 0;
uint8_t gSample = 0;
uint16_t gSum = 0;

void startConversion() {
  ADMUX = _BV(REFS0) | gChannel;  // AVcc reference (ratiometric), channel
  ADCSRA |= _BV(ADSC) | _BV(ADIE);
}

void collect() {
  gSum += ADC;
  if (++gSample == kSamples) {
    gScan[gChannel] = static_cast<uint16_t>(gSum >> 2);
    gSum = 0;
    gSample = 0;
    if (++gChannel == kChannels) {
      gChannel = 0;
      gScanReady = true;
    }
  }
  startConversion();
}

/// True when a full scan completed since the last call; `counts` then holds it.
bool takeScan(uint16_t counts[kChannels]) {
  noInterrupts();
  const bool ready = gScanReady;
  if (ready) {
    for (uint8_t c = 0; c < kChannels; ++c) counts[c] = gScan[c];
    gScanReady = false;
  }
  interrupts();
  return ready;
}

}  // namespace adc

SerialSink gSink;
lt::Device gDevice(gSink);
lt::TimeProportioner gHeaterWindow;
bool gHeaterOn = false;
uint32_t gLastTickMs = 0;
uint8_t gAppliedPump = 0;
uint8_t gAppliedFan = 0;

lt::ResetCause readResetCause() {
  const bool marker = gWdtMarker == kWdtMarker;
  gWdtMarker = 0;
  if (gResetFlags & _BV(PORF)) return lt::ResetCause::kPowerOn;  // RAM is noise then
  if ((gResetFlags & _BV(WDRF)) || marker) return lt::ResetCause::kWatchdog;
  if (gResetFlags & _BV(BORF)) return lt::ResetCause::kBrownOut;
  if (gResetFlags & _BV(EXTRF)) return lt::ResetCause::kExternal;
  return lt::ResetCause::kPowerOn;  // flags cleared by the bootloader
}

uint32_t loadOrCreateUid() {
  uint8_t magic[2];
  uint32_t uid = 0;
  eeprom_read_block(magic, reinterpret_cast<const void*>(kEepromMagicAddr), sizeof(magic));
  eeprom_read_block(&uid, reinterpret_cast<const void*>(kEepromUidAddr), sizeof(uid));
  if (magic[0] == 'L' && magic[1] == 'T' && lt::uidValid(uid)) return uid;
  // First boot: draw entropy from ADC noise and the timing of the conversions.
  uint32_t pool = 0;
  for (uint8_t i = 0; i < 96; ++i) {
    const uint16_t sample = static_cast<uint16_t>(analogRead(A0 + i % 3));
    pool = lt::uidMix(pool, (static_cast<uint32_t>(sample) << 16) ^ micros());
  }
  uid = lt::uidFinish(pool);
  const uint8_t newMagic[2] = {'L', 'T'};
  eeprom_update_block(&uid, reinterpret_cast<void*>(kEepromUidAddr), sizeof(uid));
  eeprom_update_block(newMagic, reinterpret_cast<void*>(kEepromMagicAddr), sizeof(newMagic));
  return uid;
}

void setupPwm() {
  // Timer2 (analogWrite on D3/D11, started by the Arduino core's init()) is
  // not used: stopped. simavr 1.6 also models its 8-bit phase-correct mode
  // with TOP = 0, an overflow every 64 cycles, which slows the simulation
  // (firmware/sim/README.md).
  TCCR2B = 0;
  TCCR2A = 0;
  digitalWrite(kPinPump, LOW);
  digitalWrite(kPinFan, LOW);
  pinMode(kPinPump, OUTPUT);
  pinMode(kPinFan, OUTPUT);
  // Mode 10: phase-correct PWM, TOP = ICR1; non-inverting on OC1A and OC1B;
  // no prescaler: 16 MHz / (2 * 320) = 25 kHz, above hearing and the
  // 4-wire fan standard's frequency. TOP and the compare values are set
  // while the timer is stopped, then the clock starts.
  TCCR1B = 0;
  ICR1 = lt::kPwmTop;
  OCR1A = 0;
  OCR1B = 0;
  TCNT1 = 0;
  TCCR1A = _BV(COM1A1) | _BV(COM1B1) | _BV(WGM11);
  TCCR1B = _BV(WGM13) | _BV(CS10);
}

void applyOutputs(uint32_t nowMs) {
  const uint8_t pump = gDevice.duty(lt::Channel::kPump);
  const uint8_t fan = gDevice.duty(lt::Channel::kFan);
  if (pump != gAppliedPump) {
    OCR1A = lt::dutyToCompare(pump);
    gAppliedPump = pump;
  }
  if (fan != gAppliedFan) {
    OCR1B = lt::dutyToCompare(fan);
    gAppliedFan = fan;
  }
  const bool heaterOn = gHeaterWindow.update(gDevice.duty(lt::Channel::kHeater), nowMs);
  if (heaterOn != gHeaterOn) {
    digitalWrite(kPinHeater, heaterOn ? HIGH : LOW);
    gHeaterOn = heaterOn;
  }
}

uint32_t readFlowPulses() {
  noInterrupts();
  const uint32_t pulses = gFlowPulses;
  interrupts();
  return pulses;
}

// Sleeps (SLEEP_MODE_IDLE) until an interrupt brings work for the loop: a
// byte in, a full ADC scan, a flow pulse, the next millisecond. Interrupts
// that bring none (an ADC conversion within a scan, a byte out) go straight
// back to sleep. SEI runs the next instruction (SLEEP) before any interrupt,
// so a wake-up cannot slip in between the check and the sleep.
void idleUntilWork(uint32_t nowMs, uint32_t pulses) {
  noInterrupts();
  while (Serial.available() == 0 && !adc::gScanReady && gFlowPulses == pulses && millis() == nowMs) {
    sleep_enable();
    interrupts();
    sleep_cpu();
    sleep_disable();
    noInterrupts();
  }
  interrupts();
}

void feedWatchdog() {
  wdt_reset();
  WDTCSR |= _BV(WDIE);  // re-arm the interrupt stage (hardware clears it)
  gWdtMarker = 0;       // the loop ran: no reset is pending
}

}  // namespace

ISR(ADC_vect) { adc::collect(); }

void setup() {
  const lt::ResetCause cause = readResetCause();
  digitalWrite(kPinHeater, LOW);
  pinMode(kPinHeater, OUTPUT);
  setupPwm();
  pinMode(kPinFlow, INPUT_PULLUP);
  attachInterrupt(digitalPinToInterrupt(kPinFlow), onFlowPulse, FALLING);

  const lt::DeviceIdentity identity = {LT_BOARD, loadOrCreateUid(), LT_HAS_AMBIENT_PROBE != 0};
  Serial.begin(kBaud);
  gDevice.begin(millis(), cause, identity);
  adc::startConversion();
  uint16_t counts[adc::kChannels];
  while (!adc::takeScan(counts)) {
    // First full scan (about 5 ms), so that every TLM carries real counts.
  }
  gDevice.setAdc(counts[0], counts[1], counts[2], millis());
  set_sleep_mode(SLEEP_MODE_IDLE);

  wdt_enable(WDTO_500MS);
  WDTCSR |= _BV(WDIE);
}

void loop() {
  const uint32_t nowMs = millis();
  for (uint8_t n = 0; n < 64 && Serial.available() > 0; ++n) {
    gDevice.receiveByte(static_cast<uint8_t>(Serial.read()), nowMs);
  }
  uint16_t counts[adc::kChannels];
  if (adc::takeScan(counts)) gDevice.setAdc(counts[0], counts[1], counts[2], nowMs);
  const uint32_t pulses = readFlowPulses();
  gDevice.setPulses(pulses);
  // Outputs first: a telemetry line written by tick() can wait for room in the
  // UART buffer, and the heater's window edge must not wait with it.
  applyOutputs(nowMs);
  if (nowMs != gLastTickMs) {
    // The device's timers (holds, heartbeat, telemetry) count whole
    // milliseconds: once per millisecond is every time they can change.
    gLastTickMs = nowMs;
    gDevice.tick(nowMs);
    applyOutputs(nowMs);  // a hold that expired, SAFE
  }
  feedWatchdog();
  idleUntilWork(nowMs, pulses);
}
