/*
 * looptwin-sim: the looptwin rig firmware (the ELF that would be flashed) on
 * a simulated ATmega328P at 16 MHz (simavr), wired to a plant that runs in
 * another process. The plant and this harness exchange inputs and outputs in
 * lockstep with device time over a line protocol on stdin/stdout (README.md
 * in this directory):
 *
 *   inputs  each thermistor channel's divider voltage on A0-A2 (hot, cold,
 *           ambient), flow pulses on D2 (falling edges, as the flow meter's
 *           open collector), bytes into UART0 RX at the line's byte rate,
 *           reset (the reset pin, a watchdog reset, power on);
 *   outputs bytes out of UART0 TX, the pump (D9/OC1A) and fan (D10/OC1B)
 *           duty that Timer1 actually drives, the heater SSR pin's (D7) on
 *           time, resets seen (a watchdog reset by the firmware's own
 *           watchdog).
 *
 * The firmware is never patched: everything goes through its pins and
 * registers. Device time runs as fast as the machine allows and only when
 * the plant says so (RUN).
 *
 * Needs Debian's libsimavr-dev, libelf-dev, pkg-config (see Makefile).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "avr_adc.h"
#include "avr_eeprom.h"
#include "avr_ioport.h"
#include "avr_uart.h"
#include "sim_avr.h"
#include "sim_core.h"
#include "sim_elf.h"
#include "sim_irq.h"

#define PROTOCOL_VERSION 1

/* ATmega328P data-space addresses (datasheet, register summary). */
enum {
  REG_DDRB = 0x24,
  REG_PORTB = 0x25,
  REG_DDRD = 0x2A,
  REG_PORTD = 0x2B,
  REG_MCUSR = 0x54,
  REG_TCCR1A = 0x80,
  REG_TCCR1B = 0x81,
  REG_ICR1L = 0x86,
  REG_OCR1AL = 0x88,
  REG_OCR1BL = 0x8A,
};
/* MCUSR bits. */
enum { MCUSR_PORF = 0x01, MCUSR_EXTRF = 0x02, MCUSR_BORF = 0x04, MCUSR_WDRF = 0x08 };

/* Board wiring (firmware/README.md). */
enum { PIN_FLOW_D = 2, PIN_HEATER_D = 7, PIN_PUMP_B = 1 /* D9 */, PIN_FAN_B = 2 /* D10 */ };
#define ADC_CHANNELS 3
#define OVERSAMPLE 16
/* The 12-bit counts are 16 x 10-bit samples summed and shifted right by 2. */
#define MAX_COUNTS 4092

typedef struct {
  avr_t *avr;
  FILE *out;
  uint32_t freq;
  uint32_t vcc_mv;
  /* Device time: cycles since the harness started, across resets. */
  uint64_t cycle_base;
  /* ADC: target counts and per-channel conversion counters (the dither phase). */
  uint16_t counts[ADC_CHANNELS];
  uint32_t conversions[8];
  /* Flow pulses: falling edges still to make in this interval, their spacing. */
  uint32_t pulses_left;
  uint64_t next_fall;
  uint64_t fall_spacing;
  uint64_t next_rise; /* UINT64_MAX when D2 is high */
  uint64_t low_cycles;
  /* UART0 RX: queued host bytes, one per character time. */
  uint8_t *rx;
  size_t rx_len, rx_head, rx_cap;
  uint64_t next_rx;
  uint64_t cycles_per_byte;
  /* UART0 TX: bytes the firmware sent since the last report. */
  uint8_t *tx;
  size_t tx_len, tx_cap;
  /* Heater pin: level, when it last changed, on time in this interval. */
  int heater_on;
  uint64_t heater_since;
  uint64_t heater_on_us; /* edges taken to whole us first, so a step fully on is its whole span */
  uint64_t resets;
  /* Stock simavr run loop, one avr_run() per instruction (slower; for checking run_core). */
  int exact_loop;
  /* Cycles since this boot at which the current run_core() ends (where a sleep stops). */
  avr_cycle_count_t run_end;
  avr_cycle_count_t cycles_before_reset;
} harness_t;

static harness_t h;

static uint64_t now_cycles(void) { return h.cycle_base + h.avr->cycle; }

static uint64_t cycles_to_us(uint64_t c) { return c * 1000000ull / h.freq; }

static uint64_t us_to_cycles(uint64_t us) { return us * (uint64_t)h.freq / 1000000ull; }

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("looptwin-sim: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n);
  if (q == NULL) die("out of memory");
  return q;
}

/*
 * A sleeping MCU waits for its next interrupt in device time only: stock simavr
 * (avr_callback_sleep_raw) would also usleep() to keep pace with the wall clock.
 * Right after this call simavr adds 1 + how_long cycles (a jump to its next
 * cycle timer); a sleep that would end past the end of the current run ends
 * there instead, so a run stops on time and a byte, a flow edge or a reset due
 * then is not late. Nothing can happen in between: no timer is due.
 */
static void sleep_in_device_time(avr_t *avr, avr_cycle_count_t how_long) {
  const avr_cycle_count_t wake = avr->cycle + 1 + how_long;
  if (wake > h.run_end) avr->cycle -= wake - h.run_end;
}

/* simavr logs go to stderr (stdout carries the protocol), warnings and worse only. */
static void logger(avr_t *avr, const int level, const char *format, va_list ap) {
  if (level > LOG_ERROR || (avr != NULL && level > avr->log)) return;
  vfprintf(stderr, format, ap);
}

/* ------------------------------------------------------------------ inputs */

/*
 * ADC: at the start of each conversion on channel c, the pin gets a voltage
 * whose 10-bit code is part of a fixed 16-sample pattern summing to 4 x counts.
 * Any 16 consecutive conversions of a channel (the firmware's oversampling
 * window, wherever it starts) then sum to exactly 4 x counts, i.e. the
 * firmware reads the plant's 12-bit counts. The pattern stands in for the
 * analog noise that real oversampling relies on.
 */
static uint32_t code_to_mv(uint32_t code) {
  /* simavr converts code = mV * 1023 / Vref (rounded down): the smallest mV giving `code`. */
  return (code * h.vcc_mv + 1022u) / 1023u;
}

static void on_adc_trigger(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)param;
  union {
    avr_adc_mux_t mux;
    uint32_t v;
  } e = {.v = value};
  if (e.mux.kind != ADC_MUX_SINGLE || e.mux.src >= 8) return;
  const uint32_t ch = e.mux.src;
  const uint32_t sum = ch < ADC_CHANNELS ? 4u * h.counts[ch] : 0u; /* A3-A7: 0 V */
  const uint32_t base = sum / OVERSAMPLE;
  const uint32_t extra = sum % OVERSAMPLE;
  const uint32_t phase = h.conversions[ch]++ % OVERSAMPLE;
  const uint32_t code = base + (phase < extra ? 1u : 0u);
  avr_raise_irq(avr_io_getirq(h.avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_ADC0 + ch), code_to_mv(code));
}

static void drive_flow_pin(int level) {
  avr_raise_irq(avr_io_getirq(h.avr, AVR_IOCTL_IOPORT_GETIRQ('D'), PIN_FLOW_D), level ? 1 : 0);
}

static void push_rx_byte(void) {
  const uint8_t b = h.rx[h.rx_head++];
  if (h.rx_head == h.rx_len) h.rx_head = h.rx_len = 0;
  avr_raise_irq(avr_io_getirq(h.avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_INPUT), b);
}

/* ----------------------------------------------------------------- outputs */

static void on_uart_out(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)param;
  if (h.tx_len == h.tx_cap) {
    h.tx_cap = h.tx_cap ? 2 * h.tx_cap : 4096;
    h.tx = xrealloc(h.tx, h.tx_cap);
  }
  h.tx[h.tx_len++] = (uint8_t)value;
}

/* The SSR input sees the pin only when it is an output (a pull-up cannot drive it). */
static int heater_level(void) {
  const uint8_t bit = 1u << PIN_HEATER_D;
  return (h.avr->data[REG_DDRD] & bit) && (h.avr->data[REG_PORTD] & bit);
}

static void heater_changed(void) {
  const int level = heater_level();
  if (level == h.heater_on) return;
  const uint64_t now = now_cycles();
  if (h.heater_on) h.heater_on_us += cycles_to_us(now) - cycles_to_us(h.heater_since);
  h.heater_on = level;
  h.heater_since = now;
}

static void on_port_d(struct avr_irq_t *irq, uint32_t value, void *param) {
  (void)irq;
  (void)value;
  (void)param;
  heater_changed();
}

/*
 * Duty 0-255 that Timer1 drives on OC1A/OC1B: 255 x the fraction of time the
 * pin is high. PWM modes with TOP = ICR1 (the firmware's mode 10, and 8, 14)
 * and with a fixed TOP (1-3 phase correct and 5-7 fast, 8 to 10 bits: mode 1
 * is what the Arduino core's init() sets up for analogWrite, as StandardFirmata
 * uses it) are decoded; otherwise, or with the compare output disconnected, the
 * pin is the PORT bit. A pin that is not an output drives nothing (the MOSFET gate
 * is pulled down).
 */
static double timer1_duty(int com_shift, uint16_t ocr_reg, uint8_t port_bit) {
  const uint8_t *d = h.avr->data;
  if (!(d[REG_DDRB] & port_bit)) return 0.0;
  const int port_high = (d[REG_PORTB] & port_bit) != 0;
  const uint8_t com = (d[REG_TCCR1A] >> com_shift) & 3u;
  const uint8_t wgm = (uint8_t)((d[REG_TCCR1A] & 3u) | ((d[REG_TCCR1B] >> 1) & 0x0Cu));
  const int clock_on = (d[REG_TCCR1B] & 7u) != 0;
  const double icr = (double)(d[REG_ICR1L] | (d[REG_ICR1L + 1] << 8));
  const double ocr = (double)(d[ocr_reg] | (d[ocr_reg + 1] << 8));
  double top;
  switch (wgm) {
  case 1: case 5: top = 255.0; break;
  case 2: case 6: top = 511.0; break;
  case 3: case 7: top = 1023.0; break;
  default: top = icr; break;
  }
  if (com < 2 || !clock_on || top <= 0.0) return port_high ? 255.0 : 0.0;
  double high;
  if (wgm == 8 || wgm == 10 || (wgm >= 1 && wgm <= 3)) {
    high = ocr >= top ? 1.0 : ocr / top; /* phase correct: OCR = 0 never high */
  } else if (wgm == 14 || (wgm >= 5 && wgm <= 7)) {
    high = ocr >= top ? 1.0 : (ocr + 1.0) / (top + 1.0);
  } else {
    return port_high ? 255.0 : 0.0;
  }
  if (com == 3) high = 1.0 - high; /* inverting */
  return 255.0 * high;
}

/* ------------------------------------------------------------------ resets */

static const char *cause_name(uint8_t mcusr) {
  if (mcusr & MCUSR_PORF) return "POWERON";
  if (mcusr & MCUSR_WDRF) return "WDT";
  if (mcusr & MCUSR_BORF) return "BROWNOUT";
  if (mcusr & MCUSR_EXTRF) return "EXTERNAL";
  return "UNKNOWN";
}

/* After any reset: the pins the plant drives come back (the reset cleared the port state). */
static void after_reset(uint64_t at_cycles) {
  h.resets++;
  drive_flow_pin(h.next_rise == UINT64_MAX);
  heater_changed();
  fprintf(h.out, "RESET %llu %s\n", (unsigned long long)cycles_to_us(at_cycles),
          cause_name(h.avr->data[REG_MCUSR]));
}

/* Cycles since this boot at which the earliest simavr cycle timer is due. */
static avr_cycle_count_t next_timer_due(void) {
  const avr_cycle_timer_slot_p t = h.avr->cycle_timers.timer;
  return t ? t->when : (avr_cycle_count_t)-1;
}

/*
 * Runs the core until `until` (cycles since this boot) or a reset. Stock simavr
 * (avr_callback_run_raw) runs one instruction, then processes the cycle timers,
 * then services interrupts; this does the same, in the same order, but calls
 * the timer processing only when a timer is due (the timer list is sorted),
 * which is most of the harness's speed. --exact-loop uses stock avr_run().
 * Returns 1 when the MCU reset (the cycle counter restarted from 0; the count
 * it had is left in h.cycles_before_reset).
 */
static int run_core(avr_cycle_count_t until) {
  avr_t *avr = h.avr;
  h.run_end = until;
  while (avr->cycle < until) {
    const avr_cycle_count_t before = avr->cycle;
    if (h.exact_loop || avr->state != cpu_Running || avr->run != avr_callback_run_raw) {
      /* Stock path: sleeping, stopped, or a pending watchdog reset (simavr swaps avr->run). */
      const int state = avr_run(avr);
      if (avr->cycle < before) {
        h.cycles_before_reset = before;
        return 1;
      }
      if (state == cpu_Done || state == cpu_Crashed) {
        fprintf(h.out, "HALT %llu %s\n", (unsigned long long)cycles_to_us(now_cycles()),
                state == cpu_Done ? "done" : "crashed");
        fflush(h.out);
        die("the firmware %s at pc 0x%x", state == cpu_Done ? "stopped" : "crashed", avr->pc);
      }
      continue;
    }
    avr->pc = avr_run_one(avr);
    if (avr->cycle >= next_timer_due()) avr_cycle_timer_process(avr);
    if (avr->interrupt_state && (avr->state == cpu_Running || avr->state == cpu_Sleeping))
      avr_service_interrupts(avr);
  }
  return 0;
}

static void reset_mcu(uint8_t flags) {
  const uint64_t now = now_cycles();
  h.cycle_base = now; /* avr_reset() sets cycle to 0 (checked below) */
  avr_reset(h.avr);
  if (h.avr->cycle != 0) h.cycle_base = now - h.avr->cycle;
  if (flags & MCUSR_PORF) {
    /* Power on: RAM holds noise, not the marker a watchdog interrupt may have left. */
    for (int a = h.avr->ioend + 1; a <= h.avr->ramend; a++) h.avr->data[a] = (uint8_t)(a * 151u + 7u);
  }
  h.avr->data[REG_MCUSR] = flags;
  after_reset(now);
}

/* --------------------------------------------------------------- run loop */

static void run_until(uint64_t target) {
  while (now_cycles() < target) {
    uint64_t next = target;
    if (h.pulses_left > 0 && h.next_fall < next) next = h.next_fall;
    if (h.next_rise < next) next = h.next_rise;
    if (h.rx_len > h.rx_head && h.next_rx < next) next = h.next_rx;
    while (now_cycles() < next) {
      if (run_core(next - h.cycle_base)) {
        /* avr_reset() restarted the cycle counter: keep device time monotonic. */
        h.cycle_base += h.cycles_before_reset;
        after_reset(now_cycles());
      }
    }
    const uint64_t now = now_cycles();
    if (h.next_rise <= now) {
      drive_flow_pin(1);
      h.next_rise = UINT64_MAX;
    }
    if (h.pulses_left > 0 && h.next_fall <= now) {
      if (h.next_rise != UINT64_MAX) drive_flow_pin(1); /* back to back: a short high */
      drive_flow_pin(0);
      h.next_rise = now + h.low_cycles;
      h.pulses_left--;
      h.next_fall += h.fall_spacing;
    }
    if (h.rx_len > h.rx_head && h.next_rx <= now) {
      push_rx_byte();
      h.next_rx = now + h.cycles_per_byte;
    }
  }
}

/* ---------------------------------------------------------------- protocol */

static int hex_value(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static void write_hex_line(const char *tag, const uint8_t *b, size_t n) {
  static const char digits[] = "0123456789ABCDEF";
  fputs(tag, h.out);
  fputc(' ', h.out);
  for (size_t i = 0; i < n; i++) {
    fputc(digits[b[i] >> 4], h.out);
    fputc(digits[b[i] & 15], h.out);
  }
  fputc('\n', h.out);
}

static void cmd_run(const char *args) {
  unsigned long long t_us;
  unsigned c0, c1, c2;
  unsigned long pulses;
  if (sscanf(args, "%llu %u %u %u %lu", &t_us, &c0, &c1, &c2, &pulses) != 5) {
    fprintf(h.out, "ERR RUN needs <t_us> <adc0> <adc1> <adc2> <pulses>\n");
    return;
  }
  const unsigned c[ADC_CHANNELS] = {c0, c1, c2};
  for (int i = 0; i < ADC_CHANNELS; i++) h.counts[i] = (uint16_t)(c[i] > MAX_COUNTS ? MAX_COUNTS : c[i]);
  const uint64_t start = now_cycles();
  uint64_t target = us_to_cycles(t_us);
  if (target < start) target = start;
  if (pulses > 0 && target > start) {
    /* Falling edges evenly over the interval, low for half the spacing (at most 2 ms). */
    const uint64_t span = target - start;
    h.pulses_left = (uint32_t)pulses;
    h.fall_spacing = span / pulses;
    if (h.fall_spacing == 0) h.fall_spacing = 1;
    h.next_fall = start + h.fall_spacing / 2;
    h.low_cycles = h.fall_spacing / 2;
    if (h.low_cycles > us_to_cycles(2000)) h.low_cycles = us_to_cycles(2000);
    if (h.low_cycles == 0) h.low_cycles = 1;
  } else {
    h.pulses_left = 0;
  }
  h.heater_on_us = 0;
  if (h.heater_on) h.heater_since = start;
  run_until(target);
  const uint64_t end = now_cycles();
  uint64_t on_us = h.heater_on_us;
  if (h.heater_on) on_us += cycles_to_us(end) - cycles_to_us(h.heater_since > start ? h.heater_since : start);
  if (h.tx_len > 0) {
    write_hex_line("OUT", h.tx, h.tx_len);
    h.tx_len = 0;
  }
  fprintf(h.out, "DONE %llu %.4f %.4f %llu %d\n", (unsigned long long)cycles_to_us(end),
          timer1_duty(6, REG_OCR1AL, 1u << PIN_PUMP_B), timer1_duty(4, REG_OCR1BL, 1u << PIN_FAN_B),
          (unsigned long long)on_us, h.heater_on);
  fflush(h.out);
}

static void cmd_in(const char *args) {
  const size_t n = strlen(args);
  if (n % 2 != 0) {
    fprintf(h.out, "ERR IN needs an even number of hex digits\n");
    fflush(h.out);
    return;
  }
  if (h.rx_len + n / 2 > h.rx_cap) {
    h.rx_cap = (h.rx_len + n / 2) * 2 + 256;
    h.rx = xrealloc(h.rx, h.rx_cap);
  }
  for (size_t i = 0; i < n; i += 2) {
    const int hi = hex_value(args[i]);
    const int lo = hex_value(args[i + 1]);
    if (hi < 0 || lo < 0) {
      fprintf(h.out, "ERR IN: not hex at %zu\n", i);
      fflush(h.out);
      return;
    }
    if (h.rx_len == h.rx_head) h.next_rx = now_cycles(); /* the line was idle: starts now */
    h.rx[h.rx_len++] = (uint8_t)(hi << 4 | lo);
  }
}

static void cmd_reset(const char *args) {
  uint8_t flags;
  if (strcmp(args, "EXTERNAL") == 0) flags = MCUSR_EXTRF;
  else if (strcmp(args, "WDT") == 0) flags = MCUSR_WDRF;
  else if (strcmp(args, "POWERON") == 0) flags = MCUSR_PORF;
  else if (strcmp(args, "BROWNOUT") == 0) flags = MCUSR_BORF;
  else {
    fprintf(h.out, "ERR RESET needs EXTERNAL, WDT, POWERON or BROWNOUT\n");
    fflush(h.out);
    return;
  }
  h.rx_len = h.rx_head = 0; /* bytes on the wire during a reset are lost */
  reset_mcu(flags);
  fflush(h.out);
}

/*
 * A board that has booted before: its EEPROM holds "LT" and the unit id
 * (bytes 0-5, uid little endian, as the sketch stores it). Without this the
 * EEPROM is erased (0xFF) and the firmware draws a uid at its first boot.
 */
static void preset_uid(const char *text) {
  char *end = NULL;
  const unsigned long v = strtoul(text, &end, 16);
  if (end == text || *end != '\0' || strlen(text) != 8 || v == 0 || v == 0xFFFFFFFFul)
    die("--uid must be 8 hex digits, not 00000000 or FFFFFFFF (got %s)", text);
  uint8_t bytes[6] = {'L', 'T', (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  avr_eeprom_desc_t d = {.ee = bytes, .offset = 0, .size = sizeof bytes};
  /* simavr 1.6 returns -1 from this ioctl even when it worked: read the bytes back instead. */
  avr_ioctl(h.avr, AVR_IOCTL_EEPROM_SET, &d);
  avr_eeprom_desc_t g = {.ee = NULL, .offset = 0, .size = sizeof bytes};
  avr_ioctl(h.avr, AVR_IOCTL_EEPROM_GET, &g);
  if (g.ee == NULL || memcmp(g.ee, bytes, sizeof bytes) != 0) die("cannot write the EEPROM");
}

static void usage(void) {
  fputs(
      "usage: looptwin-sim --elf FIRMWARE.elf [--mcu atmega328p] [--freq 16000000] [--vcc-mv 5000]\n"
      "                    [--baud 115200] [--uid HEX8] [--exact-loop]\n"
      "Runs the firmware in simavr; the plant drives it over stdin/stdout (firmware/sim/README.md).\n",
      stderr);
}

int main(int argc, char **argv) {
  const char *elf = NULL;
  const char *mcu = "atmega328p";
  const char *uid = NULL;
  unsigned long freq = 16000000ul, vcc = 5000ul, baud = 115200ul;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--exact-loop") == 0) {
      h.exact_loop = 1;
      continue;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage();
      return 0;
    }
    if (v == NULL) {
      usage();
      die("%s needs a value", a);
    }
    if (strcmp(a, "--elf") == 0) elf = v;
    else if (strcmp(a, "--mcu") == 0) mcu = v;
    else if (strcmp(a, "--freq") == 0) freq = strtoul(v, NULL, 10);
    else if (strcmp(a, "--vcc-mv") == 0) vcc = strtoul(v, NULL, 10);
    else if (strcmp(a, "--baud") == 0) baud = strtoul(v, NULL, 10);
    else if (strcmp(a, "--uid") == 0) uid = v;
    else {
      usage();
      die("unknown option %s", a);
    }
    i++;
  }
  if (elf == NULL) {
    usage();
    die("--elf is required");
  }
  if (freq < 1000000ul || vcc < 1000ul || vcc > 6000ul || baud < 300ul) die("bad --freq, --vcc-mv or --baud");

  /* The protocol gets the real stdout; simavr's own printf output goes to stderr. */
  const int proto_fd = dup(STDOUT_FILENO);
  if (proto_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) die("cannot set up stdout: %s", strerror(errno));
  h.out = fdopen(proto_fd, "w");
  if (h.out == NULL) die("cannot open the protocol stream");
  setvbuf(h.out, NULL, _IOFBF, 1 << 16);
  avr_global_logger_set(logger);

  elf_firmware_t f;
  memset(&f, 0, sizeof f);
  if (elf_read_firmware(elf, &f) != 0) die("cannot read the firmware ELF %s", elf);
  if (f.mmcu[0] == '\0') snprintf(f.mmcu, sizeof f.mmcu, "%s", mcu);
  f.frequency = (uint32_t)freq;
  f.vcc = f.avcc = f.aref = (uint32_t)vcc;
  h.avr = avr_make_mcu_by_name(f.mmcu);
  if (h.avr == NULL) die("simavr does not know the MCU %s", f.mmcu);
  avr_init(h.avr);
  h.avr->log = LOG_ERROR;
  avr_load_firmware(h.avr, &f);
  h.avr->sleep = sleep_in_device_time;
  /* The board's 5 V supply is the ADC reference (AVcc), not simavr's default 3.3 V. */
  h.avr->frequency = (uint32_t)freq;
  h.avr->vcc = h.avr->avcc = h.avr->aref = (uint32_t)vcc;
  h.freq = (uint32_t)freq;
  h.vcc_mv = (uint32_t)vcc;
  /* 10 bits per byte (start, 8 data, stop) at the line's baud rate. */
  h.cycles_per_byte = (uint64_t)freq * 10u / baud;

  if (uid != NULL) preset_uid(uid);

  uint32_t uart_flags = 0; /* no console echo, no usleep while polling */
  avr_ioctl(h.avr, AVR_IOCTL_UART_SET_FLAGS('0'), &uart_flags);
  avr_irq_register_notify(avr_io_getirq(h.avr, AVR_IOCTL_UART_GETIRQ('0'), UART_IRQ_OUTPUT), on_uart_out,
                          NULL);
  avr_irq_register_notify(avr_io_getirq(h.avr, AVR_IOCTL_ADC_GETIRQ, ADC_IRQ_OUT_TRIGGER), on_adc_trigger,
                          NULL);
  avr_irq_register_notify(avr_io_getirq(h.avr, AVR_IOCTL_IOPORT_GETIRQ('D'), IOPORT_IRQ_PIN_ALL), on_port_d,
                          NULL);
  avr_irq_register_notify(avr_io_getirq(h.avr, AVR_IOCTL_IOPORT_GETIRQ('D'), IOPORT_IRQ_DIRECTION_ALL),
                          on_port_d, NULL);
  for (int i = 0; i < ADC_CHANNELS; i++) h.counts[i] = 2048;
  h.next_rise = UINT64_MAX;
  drive_flow_pin(1);

  fprintf(h.out, "READY %d %s %lu\n", PROTOCOL_VERSION, f.mmcu, freq);
  fflush(h.out);

  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    if (n == 0) continue;
    char *sp = strchr(line, ' ');
    const char *args = sp ? sp + 1 : "";
    if (sp) *sp = '\0';
    if (strcmp(line, "RUN") == 0) cmd_run(args);
    else if (strcmp(line, "IN") == 0) cmd_in(args);
    else if (strcmp(line, "RESET") == 0) cmd_reset(args);
    else if (strcmp(line, "QUIT") == 0) break;
    else fprintf(h.out, "ERR unknown command %s\n", line);
    fflush(h.out);
  }
  free(line);
  free(h.rx);
  free(h.tx);
  avr_terminate(h.avr);
  return 0;
}
