// A minimal test reporter for the firmware host tests: each named test passes
// or fails with messages; main() prints `N passed, N failed` and exits non-zero
// on any failure.
#ifndef LT_TEST_CHECK_H
#define LT_TEST_CHECK_H

#include <cstdio>
#include <string>
#include <vector>

namespace lttest {

class Report {
 public:
  /// Records one test. `problems` empty means passed.
  void record(const std::string& name, const std::vector<std::string>& problems) {
    if (problems.empty()) {
      ++passed_;
      if (verbose_) std::printf("ok   %s\n", name.c_str());
      return;
    }
    ++failed_;
    std::printf("FAIL %s\n", name.c_str());
    for (const std::string& p : problems) std::printf("     %s\n", p.c_str());
  }
  void note(const std::string& text) { std::printf("note %s\n", text.c_str()); }
  void setVerbose(bool verbose) { verbose_ = verbose; }
  int passed() const { return passed_; }
  int failed() const { return failed_; }

 private:
  int passed_ = 0;
  int failed_ = 0;
  bool verbose_ = false;
};

/// Collects the problems of one test.
class Problems {
 public:
  void expect(bool condition, const std::string& what) {
    if (!condition) list_.push_back(what);
  }
  void add(const std::string& what) { list_.push_back(what); }
  const std::vector<std::string>& list() const { return list_; }

 private:
  std::vector<std::string> list_;
};

/// Renders bytes with the vectors' escapes (`\\`, `\t`, `\r`, `\n`, `\xHH`).
std::string escapeBytes(const std::string& bytes);

}  // namespace lttest

#endif  // LT_TEST_CHECK_H
