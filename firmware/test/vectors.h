// Golden vectors (tests/fixtures/protocol/vectors.tsv, format in
// the file's header comment and docs/protocol.md "Test vectors"): `group<TAB>input<TAB>expect`, `#` comments, escapes
// in `input`.
#ifndef LT_TEST_VECTORS_H
#define LT_TEST_VECTORS_H

#include <string>
#include <vector>

#include "check.h"

namespace lttest {

struct Vector {
  std::string file;
  int lineNumber;
  std::string group;
  std::string input;  // unescaped bytes
  std::string rawInput;
  std::string expect;
};

/// Reads a vectors file; format errors are returned in `errors`.
bool readVectors(const std::string& path, std::vector<Vector>& out, std::vector<std::string>& errors);

/// Decodes the vector escapes; false on an unknown or truncated escape.
bool unescapeVector(const std::string& text, std::string& out);

/// Runs every vector the firmware can check (crc, command, ok device lines).
void runVectors(const std::vector<Vector>& vectors, Report& report);

}  // namespace lttest

#endif  // LT_TEST_VECTORS_H
