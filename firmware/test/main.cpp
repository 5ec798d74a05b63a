// Host tests of the firmware library: unit tests, the golden vectors shared
// with the TypeScript codec, and the behaviour sessions shared with the
// emulator. Usage:
//   looptwin-fw-tests [--verbose] [--vectors FILE]... [--optional-vectors FILE]... [--sessions DIR]
// Prints `N passed, N failed` last; exit status 1 on any failure.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "check.h"
#include "sessions.h"
#include "vectors.h"

namespace lttest {
void runUnitTests(Report& report);
}

int main(int argc, char** argv) {
  lttest::Report report;
  std::vector<std::string> vectorFiles, optionalVectorFiles, sessionDirs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--verbose") {
      report.setVerbose(true);
    } else if ((arg == "--vectors" || arg == "--optional-vectors" || arg == "--sessions") && i + 1 < argc) {
      (arg == "--vectors" ? vectorFiles : arg == "--sessions" ? sessionDirs : optionalVectorFiles).push_back(argv[++i]);
    } else {
      std::fprintf(stderr, "unknown argument: %s\n", arg.c_str());
      return 2;
    }
  }

  lttest::runUnitTests(report);

  std::vector<lttest::Vector> vectors;
  for (const std::string& file : vectorFiles) {
    std::vector<std::string> errors;
    lttest::readVectors(file, vectors, errors);
    report.record("vectors file " + file, errors);
  }
  for (const std::string& file : optionalVectorFiles) {
    if (!std::filesystem::exists(file)) continue;
    std::vector<std::string> errors;
    lttest::readVectors(file, vectors, errors);
    report.record("vectors file " + file, errors);
  }
  lttest::runVectors(vectors, report);

  for (const std::string& dir : sessionDirs) {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (entry.path().extension() == ".txt") files.push_back(entry.path().string());
    }
    if (ec || files.empty()) {
      report.record("sessions in " + dir, {ec ? ec.message() : "no *.txt session files"});
      continue;
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) report.record("session " + file, lttest::runSession(file));
  }

  std::printf("%d passed, %d failed\n", report.passed(), report.failed());
  return report.failed() == 0 ? 0 : 1;
}
